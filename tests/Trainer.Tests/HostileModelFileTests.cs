using System.Text.Json;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Training;

namespace ModelCompiler.Trainer.Tests;

/// <summary>
/// modelc-train commands given a hostile .qmodel path or content: one error line naming the file and the reason,
/// exit code 1, no stack trace, bounded memory; file text shown on the console has its control characters escaped.
/// </summary>
public sealed class HostileModelFileTests
{
    private static readonly string FashionModel = RepositoryFile("samples", "FashionClassifier", "fashion.qmodel");

    [Fact]
    public void A_link_to_dev_zero_is_refused_at_the_stated_limit()
    {
        using var folder = new TestFolder();
        string path = folder.File("zero.qmodel");
        File.CreateSymbolicLink(path, "/dev/zero");
        string line = ErrorLine(CliRunner.Run("inspect", path, "--max-model-bytes", "1000000"));
        Assert.Equal($"error: {path}: holds more than the limit of 1,000,000 bytes for a .qmodel file (it reports no size: a device or a pipe?); --max-model-bytes raises the limit", line);
    }

    [Fact]
    public void A_three_gigabyte_file_is_refused_from_its_size()
    {
        using var folder = new TestFolder();
        string path = folder.File("big.qmodel");
        using (var stream = File.Create(path))
        {
            stream.SetLength(3L << 30);
        }

        string line = ErrorLine(CliRunner.Run("inspect", path));
        Assert.Equal($"error: {path}: is 3,221,225,472 bytes, over the limit of 268,435,456 bytes for a .qmodel file; --max-model-bytes raises the limit", line);
    }

    [Fact]
    public void A_link_loop_a_folder_and_a_missing_file_are_one_line_each()
    {
        using var folder = new TestFolder();
        File.CreateSymbolicLink(folder.File("b.qmodel"), folder.File("a.qmodel"));
        File.CreateSymbolicLink(folder.File("a.qmodel"), folder.File("b.qmodel"));
        Directory.CreateDirectory(folder.File("x.qmodel"));

        Assert.Equal($"error: {folder.File("a.qmodel")}: cannot be read: too many levels of symbolic links (a link loop)", ErrorLine(CliRunner.Run("inspect", folder.File("a.qmodel"))));
        Assert.Equal($"error: {folder.File("x.qmodel")}: is a folder, not a file", ErrorLine(CliRunner.Run("export-onnx", folder.File("x.qmodel"))));
        Assert.Equal($"error: {folder.File("none.qmodel")}: cannot be read: no such file", ErrorLine(CliRunner.Run("evaluate", folder.File("none.qmodel"))));
    }

    [Fact]
    public void Export_into_a_missing_folder_names_the_output_not_the_temporary_file()
    {
        using var folder = new TestFolder();
        string stem = Path.Combine(folder.Path, "missing", "stem");
        string line = ErrorLine(CliRunner.Run("export-onnx", FashionModel, "-o", stem));
        Assert.Equal($"error: {stem}.float.onnx: cannot be written: folder {Path.Combine(folder.Path, "missing")} does not exist", line);
    }

    [Fact]
    public void Labels_with_escape_sequences_are_shown_escaped_by_inspect()
    {
        using var folder = new TestFolder();
        string path = folder.File("esc.qmodel");
        File.WriteAllText(path, File.ReadAllText(FashionModel).Replace("\"Trouser\"", "\"Trou\\u001b[2J\\u001b]0;title\\u0007\\u009b31mser\"", StringComparison.Ordinal));
        Assert.Contains("\u001b", QModelFile.Read(path).Labels[1]);

        string output = CliRunner.Run0("inspect", path);
        Assert.Contains("Trou\\u001b[2J\\u001b]0;title\\u0007\\u009b31mser", output);
        Assert.DoesNotContain(output, c => c is '\u001b' or '\u0007' or '\u009b');
    }

    [Fact]
    public void A_file_with_CR_only_line_endings_is_one_error_line_with_the_CRs_escaped()
    {
        using var folder = new TestFolder();
        string path = folder.File("cr.qmodel");
        File.WriteAllText(path, File.ReadAllText(FashionModel).Replace('\n', '\r'));
        string line = ErrorLine(CliRunner.Run("inspect", path));
        Assert.StartsWith("error: QM001 line 1: format version '1\\rname FashionClassifier\\r", line);
    }

    [Fact]
    public void Integer_fields_of_65_digits_get_the_range_error_and_leading_zeros_are_read()
    {
        using var folder = new TestFolder();
        string text = File.ReadAllText(FashionModel);
        File.WriteAllText(folder.File("digits.qmodel"), ReplaceFirst(text, "filters 32", "filters " + new string('9', 65)));
        File.WriteAllText(folder.File("zeros.qmodel"), ReplaceFirst(text, "filters 32", "filters " + new string('0', 70) + "32"));

        Assert.StartsWith("error: QM013 line ", ErrorLine(CliRunner.Run("inspect", folder.File("digits.qmodel"))));
        Assert.Equal(QModelFile.Read(FashionModel).Layers.Count, QModelFile.Read(folder.File("zeros.qmodel")).Layers.Count);
        CliRunner.Run0("inspect", folder.File("zeros.qmodel"));
    }

    [Fact]
    public void A_long_error_is_one_line_whatever_the_console_width()
    {
        using var folder = new TestFolder();
        string deep = Path.Combine(folder.Path, new string('d', 200), new string('e', 200), "model.qmodel");
        string line = ErrorLine(CliRunner.Run("inspect", deep));
        Assert.True(line.Length > 400, line);
        Assert.EndsWith("model.qmodel: cannot be read: a folder on its path does not exist", line);
    }

    [Fact]
    public void Trained_models_and_descriptions_that_are_devices_or_bad_json_are_one_line_each()
    {
        using var folder = new TestFolder();
        File.CreateSymbolicLink(folder.File("zero.json"), "/dev/zero");
        Assert.Equal(
            $"error: {folder.File("zero.json")}: holds more than the limit of 16,777,216 bytes for a model description (it reports no size: a device or a pipe?)",
            ErrorLine(CliRunner.Run("train", "--model", folder.File("zero.json"), "-o", folder.File("m.tsm"))));

        // A sidecar that is not JSON of a bundle, and weights that are a device behind a good sidecar.
        File.WriteAllText(folder.File("bad.tsm"), "weights");
        File.WriteAllText(folder.File("bad.tsm.json"), "{\"description\": 5");
        Assert.StartsWith($"error: {folder.File("bad.tsm.json")}: not a model sidecar (", ErrorLine(CliRunner.Run("evaluate", folder.File("bad.tsm"))));

        File.CreateSymbolicLink(folder.File("zero.tsm"), "/dev/zero");
        var bundle = new ModelBundle { Description = BuiltInModels.FashionCnn, Classes = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], Precisions = [], Dataset = "test", History = [] };
        File.WriteAllText(folder.File("zero.tsm.json"), JsonSerializer.Serialize(bundle));
        Assert.Equal(
            $"error: {folder.File("zero.tsm")}: reports no size but holds data (a device or a pipe?), not a TorchSharp weights file",
            ErrorLine(CliRunner.Run("evaluate", folder.File("zero.tsm"))));
    }

    /// <summary>The single line a failed command printed: exit code 1, nothing else, no stack trace.</summary>
    private static string ErrorLine((int ExitCode, string Output) run)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}:\n{run.Output}");
        Assert.DoesNotContain("   at ", run.Output);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + find.Length)..];
    }

    private static string RepositoryFile(params string[] parts)
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ModelCompiler.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        return Path.Combine([root, .. parts]);
    }
}
