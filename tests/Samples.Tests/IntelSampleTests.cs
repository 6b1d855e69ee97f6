using System.Diagnostics;
using System.Text.Json;
using StbImageWriteSharp;

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// The Intel sample as a user runs it, on generated photos (the real ones are checked by .ci/run, which has them):
/// --evaluate prints accuracy, the confusion matrix and timing and writes them as JSON; the compiled code equals the
/// reference interpreter on every photo; labelling prints one line per photo; bad folders and files are named.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IntelSampleTests
{
    private static readonly string[] Classes = ["buildings", "forest", "glacier", "mountain", "sea", "street"];

    private static string App { get; } = RepositoryPaths.Of(
        "samples", "IntelClassifier", "bin", AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release", "net10.0", "intel-classifier");

    private static string Model { get; } = RepositoryPaths.Of("samples", "IntelClassifier.Model", "intel.qmodel");

    private static string MobileNetModel { get; } = RepositoryPaths.Of("samples", "IntelClassifier.Model", "intel-mobilenet.qmodel");

    [Fact]
    public void Evaluate_prints_accuracy_the_confusion_matrix_and_timing_and_matches_the_interpreter()
    {
        string folder = LabelledFolder(perClass: 2);
        try
        {
            string json = Path.Combine(folder, "figures.json"), sheet = Path.Combine(folder, "sheet.png");
            var (code, output, error) = Run($"--evaluate \"{folder}/photos\" --json \"{json}\" --contact-sheet \"{sheet}\" --verify-interpreter \"{Model}\"");

            Assert.True(code == 0, output + error);
            Assert.Contains("12 photos, 0 unreadable", output);
            Assert.Matches(@"accuracy \d+\.\d\d % \(\d+/12\)", output);
            Assert.Contains("confusion matrix (rows: true class, columns: predicted class)", output);
            Assert.All(Classes, c => Assert.Matches($"(?m)^{c} +", output));
            Assert.Matches(@"\d+\.\d us per photo for Predict", output);
            Assert.Contains("compiled code = reference interpreter", output);
            Assert.Contains("on all 12 photos, logits bit for bit", output);

            using var figures = JsonDocument.Parse(File.ReadAllText(json));
            var root = figures.RootElement;
            Assert.Equal(12, root.GetProperty("count").GetInt32());
            Assert.Equal(Classes, root.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
            var confusion = root.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
            Assert.All(confusion, row => Assert.Equal(2, row.Sum()));
            Assert.Equal(root.GetProperty("correct").GetInt32(), Enumerable.Range(0, 6).Sum(i => confusion[i][i]));
            Assert.True(root.GetProperty("us_per_image").GetDouble() > 0);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(sheet)[..4]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_mobilenet_graph_is_compiled_in_too_and_matches_its_interpreter_but_not_the_other_file()
    {
        string folder = LabelledFolder(perClass: 2);
        try
        {
            var (code, output, error) = Run($"--model mobilenet --evaluate \"{folder}/photos\" --verify-interpreter \"{MobileNetModel}\"");
            Assert.True(code == 0, output + error);
            Assert.Contains("IntelMobileNet (intel-mobilenet.qmodel) on", output);
            Assert.Contains("on all 12 photos, logits bit for bit", output);

            // Each compiled model is checked against its own file only: the CNN's file is refused by name.
            (code, _, error) = Run($"--model mobilenet --evaluate \"{folder}/photos\" --verify-interpreter \"{Model}\"");
            Assert.Equal(1, code);
            Assert.Contains("not the IntelMobileNet compiled into this program (--model mobilenet)", error);

            (code, _, error) = Run($"--model resnet \"{folder}/photos/sea\"");
            Assert.NotEqual(0, code);
            Assert.Contains("resnet", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Labelling_prints_one_line_per_photo_and_names_unreadable_files_and_wrong_folders()
    {
        string folder = LabelledFolder(perClass: 1);
        try
        {
            var (code, output, _) = Run($"\"{folder}/photos/sea\" \"{folder}/photos/forest\"");
            Assert.Equal(0, code);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lines.Length);
            Assert.All(lines, line => Assert.Matches($@"\.jpg: ({string.Join('|', Classes)}) \(\d+\.\d %\)$", line));

            string broken = Path.Combine(folder, "photos", "sea", "broken.jpg");
            File.WriteAllText(broken, "not a photo");
            (code, output, var error) = Run($"\"{folder}/photos/sea\"");
            Assert.Equal(1, code);
            Assert.Contains(broken, error);
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            Directory.CreateDirectory(Path.Combine(folder, "photos", "lake"));
            (code, _, error) = Run($"--evaluate \"{folder}/photos\"");
            Assert.Equal(1, code);
            Assert.Contains("not a class: lake", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>photos/&lt;class&gt;/N.jpg: plain colours with noise, 150x120 (resized by the app like Kaggle's 150x150).</summary>
    private static string LabelledFolder(int perClass)
    {
        string root = Path.Combine(Path.GetTempPath(), "intel-sample-" + Guid.NewGuid().ToString("N"));
        var random = new Random(3);
        for (int c = 0; c < Classes.Length; c++)
        {
            string dir = Path.Combine(root, "photos", Classes[c]);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < perClass; i++)
            {
                var pixels = new byte[150 * 120 * 3];
                random.NextBytes(pixels);
                for (int p = 0; p < pixels.Length; p += 3)
                {
                    pixels[p + c % 3] = (byte)(pixels[p + c % 3] / 4 + 180);
                }

                using var stream = File.Create(Path.Combine(dir, $"{i}.jpg"));
                new ImageWriter().WriteJpg(pixels, 150, 120, ColorComponents.RedGreenBlue, stream, 90);
            }
        }

        return root;
    }

    private static (int Code, string Output, string Error) Run(string arguments)
    {
        Assert.True(File.Exists(App), $"{App} was not built (the test project references the sample so that it is)");
        var start = new ProcessStartInfo(App, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"intel-classifier {arguments} did not finish within 2 minutes");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
