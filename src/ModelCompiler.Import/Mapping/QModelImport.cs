using System.Security.Cryptography;
using ModelCompiler.Format;

namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Imports a TFLite or ONNX classifier into a <c>.qmodel</c> (docs/import.md): reads and validates it
/// (<see cref="ModelImporter"/>), maps it (<see cref="TfliteMapper"/>, <see cref="TfliteFloatMapper"/>, <see cref="OnnxQdqMapper"/>,
/// <see cref="OnnxFloatMapper"/>), completes the
/// header (name, labels, provenance) and checks the result as the format's reader would.
/// </summary>
public static class QModelImport
{
    /// <summary>The rounding difference of a TFLite import that chose single rounding (<see cref="ImportOptions.Rounding"/>).</summary>
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
        var report = new ImportReport();
        foreach (string note in source.Notes)
        {
            report.Note("reader: " + note);
        }

        bool floatTflite = source.Format == SourceFormat.Tflite && TfliteFloatMapper.IsFloat(source);
        var graph = source.Format != SourceFormat.Tflite ? MapOnnx(source, options, problems, report)
            : floatTflite ? MapFloatTflite(source, options, problems, report)
            : TfliteMapper.Map(source, problems, report, perOperatorRounding: options.Rounding is null);
        problems.ThrowIfAny(path);
        // Quantized TFLite imports compute TFLite's double rounding unless the user chose ours; ONNX Runtime rounds once,
        // as we do; a float model has no int8 layer to round until post-training quantization, which rounds once.
        var rounding = source.Format == SourceFormat.Tflite && !floatTflite ? options.Rounding ?? Rounding.Tflite : Rounding.Single;
        if (floatTflite)
        {
            report.Differ(FloatTfliteDifference);
        }
        else if (source.Format != SourceFormat.Tflite)
        {
            report.Differ(graph!.InputQuant is null ? FloatDifference : OnnxRoundingDifference);
        }
        else if (rounding == Rounding.Single)
        {
            report.Differ(RoundingDifference);
        }
        else
        {
            report.Note("requantization: rounding tflite, TFLite's double rounding (docs/arithmetic.md); a per-tensor fully connected layer uses TFLite's float32-product multiplier; "
                + "each int8 CONV_2D's layer says rounding single, as TFLite's builtin kernels round it once (ruy); --rounding single|tflite forces one rule everywhere");
        }

        string name = options.Name ?? NameFromFile(path);
        if (Identifiers.ModelNameProblem(name) is { } nameProblem)
        {
            throw new ModelImportException(path, [new ImportProblem("name", null, $"'{name}': {nameProblem} (choose one with --name)")]);
        }

        var labels = ClassLabels.For(graph!.Classes, options.Labels ?? OnnxLabels(source, graph.Classes, report), report);
        var model = new QModel(name, graph.InputShape, InputLayout.Hwc, graph.Preprocessing, graph.InputQuant, labels, Provenance(path, source), graph.Layers)
        {
            Rounding = rounding,
        };
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

    /// <summary>What an ONNX QDQ import computes differently: ONNX's QuantizeLinear rounds the float result once, half to even.</summary>
    public const string OnnxRoundingDifference =
        "requantization: the .qmodel requantizes the int32 accumulator in fixed point (docs/arithmetic.md), ONNX computes each node in float and " +
        "QuantizeLinear rounds half to even: an output next to a half-way point can differ by one step; averages round half away from zero " +
        "(the format's pools) where QuantizeLinear of the float average rounds half to even";

    /// <summary>What a float import computes differently: nothing but the order of float32 operations.</summary>
    public const string FloatDifference =
        "float32 layers: the same operations as the ONNX graph (batch norms folded into the convolutions' weights in double, then rounded to float32), " +
        "summed in another order, so outputs can differ in the last bits";

    /// <summary>What a float TFLite import computes differently: nothing but the order of float32 operations.</summary>
    public const string FloatTfliteDifference =
        "float32 layers: the same operations as the TFLite graph, summed in another order, so outputs can differ in the last bits";

    /// <summary>A float TFLite model: its normalization is the user's --preprocess, else p / 255 (the file does not record one).</summary>
    private static MappedGraph? MapFloatTflite(SourceModel source, ImportOptions options, ImportProblems problems, ImportReport report)
    {
        var normalization = options.Preprocessing ?? OnnxInputPreprocessing.Default;
        report.Preprocessing = options.Preprocessing is { } chosen
            ? $"pixel * {chosen.Scale:R} + {chosen.Offset:R} (as given)"
            : $"pixel * {normalization.Scale:R} + {normalization.Offset:R}: a float TFLite file does not say how pixels become its float input; assumed p / 255 " +
                "(give --preprocess for another normalization, e.g. 'scale=0.0078125 offset=-1' for MobileNet's [-1, 1])";
        if (options.Rounding is not null)
        {
            problems.Add("--rounding", null, "applies to quantized TFLite models; a float model is quantized by post-training quantization, which rounds once");
        }

        report.Note("a float model (float32 input): mapped to float32 layers; post-training quantization (modelc-train import --calibration-dir DIR or --data) makes it int8");
        return TfliteFloatMapper.Map(source, problems, report, normalization);
    }

    private static MappedGraph? MapOnnx(SourceModel source, ImportOptions options, ImportProblems problems, ImportReport report)
    {
        var preprocessing = OnnxInputPreprocessing.For(source, options, report, problems);
        if (!source.Operators.Any(o => o.Type == "QuantizeLinear"))
        {
            report.Note("a float model (no QuantizeLinear): mapped to float32 layers; post-training quantization (modelc-train import --calibration-dir DIR or --data) makes it int8");
            return OnnxFloatMapper.Map(source, problems, report, preprocessing);
        }

        return OnnxQdqMapper.Map(source, problems, report, preprocessing);
    }

    /// <summary>The labels ModelCompiler's export records (metadata <c>labels</c>, one per line), when they fit the model.</summary>
    private static IReadOnlyList<string>? OnnxLabels(SourceModel source, int classes, ImportReport report)
    {
        if (!source.Metadata.TryGetValue("labels", out string? text) || text.Split('\n') is not { } labels || labels.Length != classes)
        {
            return null;
        }

        report.Note("labels: from the file's metadata");
        return labels;
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
