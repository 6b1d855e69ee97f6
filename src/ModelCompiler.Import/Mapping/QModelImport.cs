using System.Security.Cryptography;
using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Imports a TFLite classifier into a <c>.qmodel</c> (docs/import.md): reads and validates it
/// (<see cref="ModelImporter"/>), maps it (<see cref="TfliteMapper"/>), completes the header (name, labels,
/// provenance) and checks the result as the format's reader would. ONNX files are read and validated but not mapped yet.
/// </summary>
public static class QModelImport
{
    /// <summary>The rounding difference every int8 import shares, until the format offers TFLite's rule (issue 13, step 4).</summary>
    public const string RoundingDifference =
        "requantization: the .qmodel rounds once (docs/arithmetic.md); TFLite's kernels round twice, so a layer's output can " +
        "differ by one step where the exact value lies next to a half-way point (rare), and such steps can propagate";

    /// <exception cref="ModelImportException">The model cannot be imported; every problem is listed.</exception>
    /// <exception cref="InvalidDataException">The labels do not fit the model.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImportedModel Import(string path, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        var source = ModelImporter.Read(path);
        var problems = new ImportProblems();
        if (source.Format != SourceFormat.Tflite)
        {
            problems.Add("file", null, "ONNX files are read and validated, but their mapping into .qmodel is not written yet (only TFLite's int8 scheme is)");
            problems.ThrowIfAny(path);
        }

        var report = new ImportReport();
        foreach (string note in source.Notes)
        {
            report.Note("reader: " + note);
        }

        var graph = TfliteMapper.Map(source, problems, report);
        problems.ThrowIfAny(path);
        report.Differ(RoundingDifference);
        string name = options.Name ?? NameFromFile(path);
        if (Identifiers.ModelNameProblem(name) is { } nameProblem)
        {
            throw new ModelImportException(path, [new ImportProblem("name", null, $"'{name}': {nameProblem} (choose one with --name)")]);
        }

        var labels = ClassLabels.For(graph!.Classes, options.Labels, report);
        var model = new QModel(name, graph.InputShape, InputLayout.Hwc, graph.Preprocessing, graph.InputQuant, labels, Provenance(path, source), graph.Layers);
        try
        {
            // What the generator and the interpreter will read: the writer's text, read back with every check.
            return new ImportedModel(QModelReader.Read(QModelWriter.Write(model)), report);
        }
        catch (QModelFormatException e)
        {
            throw new ModelImportException(path, [new ImportProblem("mapped model", null, $"the format refuses it: {e.Message}")]);
        }
    }

    /// <summary>A C# identifier from a file name: its letter and digit runs, each capitalised (<c>tf2_mobilenet_v2_1.0_224_ptq</c> is <c>Tf2MobilenetV210224Ptq</c>).</summary>
    public static string NameFromFile(string path)
    {
        var words = System.Text.RegularExpressions.Regex.Split(Path.GetFileNameWithoutExtension(path), "[^A-Za-z0-9]+");
        string name = string.Concat(words.Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        return name.Length == 0 || char.IsAsciiDigit(name[0]) ? "Model" + name : name;
    }

    private static IReadOnlyList<ProvenanceEntry> Provenance(string path, SourceModel source)
    {
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        return
        [
            new("imported_from", Path.GetFileName(path)),
            new("imported_from.sha256", sha256),
            new("imported_from.format", source.Format.ToString()),
            new("imported_from.producer", source.Producer),
            new("imported_by", "modelc-train import"),
        ];
    }
}
