using System.Diagnostics;
using System.Globalization;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Data;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Training;
using Spectre.Console;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>
/// Exports a quantized network to a .qmodel (atomically), reads the file back, runs it through the reference
/// interpreter on the test set and reports the seed's comparison: table on the console, <c>.report.json</c>, curves PNG.
/// The file's provenance names the data and its split, the recipe of each training phase (<paramref name="bundle"/>'s
/// <see cref="ModelBundle.Training"/>) and the measured accuracies.
/// </summary>
public static class ExportComparison
{
    public static ExportReport Run(
        GraphNetwork network, ModelBundle bundle, string floatModelPath, LoadedData data, string mode,
        IReadOnlyList<EpochRecord> history, string output, int threads, IAnsiConsole console, string? modelName = null, string? command = null)
    {
        // The float column is the model before quantization, measured on the same test images.
        var (_, floatNetwork) = ModelBundle.Load(floatModelPath);
        double floatAccuracy;
        using (floatNetwork)
        {
            floatAccuracy = Evaluator.Accuracy(floatNetwork, data.Test);
        }

        return Run(network, bundle, floatAccuracy, data, mode, history, output, threads, console, modelName, command);
    }

    /// <summary>As above, with the float model's test accuracy measured by the caller (an imported model has no <c>.tsm</c>).</summary>
    public static ExportReport Run(
        GraphNetwork network, ModelBundle bundle, double floatAccuracy, LoadedData data, string mode,
        IReadOnlyList<EpochRecord> history, string output, int threads, IAnsiConsole console, string? modelName = null, string? command = null)
    {
        var clock = Stopwatch.StartNew();
        var fakeQuant = Evaluator.Predict(network, data.Test);
        double fakeQuantAccuracy = Evaluator.Accuracy(fakeQuant, data.Test.Labels);

        string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var provenance = new List<ProvenanceEntry>
        {
            new("tool", "modelc-train"),
            new("mode", mode),
            new("dataset", data.Name),
            new("data_split", data.Split),
        };
        foreach (string line in bundle.Training ?? [])
        {
            // "float: 25 epochs, ..." becomes provenance training.float "25 epochs, ...".
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            provenance.Add(colon > 0 ? new("training." + line[..colon], line[(colon + 1)..].Trim()) : new("training", line));
        }

        provenance.AddRange(
        [
            new("date", now),
            new("test_images", data.Test.Count.ToString(CultureInfo.InvariantCulture)),
            new("float_accuracy", floatAccuracy.ToString("F4", CultureInfo.InvariantCulture)),
            new("fake_quant_accuracy", fakeQuantAccuracy.ToString("F4", CultureInfo.InvariantCulture)),
        ]);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var model = QModelExporter.Export(network, bundle.Classes, provenance, modelName);
        QModelFile.WriteAtomic(output, model);
        var fromFile = InterpreterEvaluation.Predict(QModelFile.Read(output), data.Test, threads);
        double int8Accuracy = Evaluator.Accuracy(fromFile, data.Test.Labels);
        int agree = fakeQuant.Zip(fromFile).Count(p => p.First == p.Second);

        // The file's own figures join its provenance; the layers are written again unchanged, so they still hold.
        provenance.Add(new("int8_accuracy", int8Accuracy.ToString("F4", CultureInfo.InvariantCulture)));
        provenance.Add(new("argmax_agreement", ((double)agree / Math.Max(1, data.Test.Count)).ToString("F4", CultureInfo.InvariantCulture)));
        model = QModelExporter.Export(network, bundle.Classes, provenance, modelName);
        QModelFile.WriteAtomic(output, model);

        var weighted = model.Layers.OfType<WeightedLayer>().ToList();
        long floatBytes = weighted.Sum(l => 4L * (l.Weights.WeightCount + l.Weights.OutputChannels));
        long weightBytes = weighted.Sum(l => l.Weights.ByteSize);
        var report = new ExportReport
        {
            Mode = mode,
            TestImages = data.Test.Count,
            FloatAccuracy = floatAccuracy,
            QatAccuracy = fakeQuantAccuracy,
            Int8Accuracy = int8Accuracy,
            ArgmaxAgreement = data.Test.Count == 0 ? 0 : (double)agree / data.Test.Count,
            FloatBytes = floatBytes,
            QModelBytes = new FileInfo(output).Length,
            WeightBytes = weightBytes,
            LayerPrecisions = LayerPrecisions(model),
            WeightBits = weighted.Where(l => l.Weights is Int8Weights).ToDictionary(l => l.Name, l => ((Int8Weights)l.Weights).WeightBits),
            Seconds = clock.Elapsed.TotalSeconds,
            Command = command,
        };
        report.Write(output);
        if (history.Count > 0)
        {
            TrainingCurves.Save(history, output + ".curves.png", $"{network.Description.Name}: {mode}");
        }

        Print(report, output, console);
        return report;
    }

    /// <summary>Precision of each conv/dense layer, and of each max pool (int8 when its input tensor is int8).</summary>
    private static Dictionary<string, string> LayerPrecisions(QModel model)
    {
        var graph = TensorChain.InferGraph(model);
        return model.Layers.Select((l, i) => l switch
        {
            WeightedLayer w => (l.Name, TensorChain.PrecisionName(w.Precision)),
            Pool2DLayer { IsMax: true } => (l.Name, graph.Tensors[graph.InputsOf(i)[0]].Kind == ElementKind.Int8 ? "int8" : "float32"),
            _ => (l.Name, ""),
        }).Where(p => p.Item2.Length > 0).ToDictionary(p => p.Name, p => p.Item2);
    }

    public static void Print(ExportReport report, string output, IAnsiConsole console)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(Path.GetFileName(output))}[/] ({Markup.Escape(report.Mode)}, {report.TestImages} test images)")
            .AddColumns("measure", "value");
        table.AddRow("float accuracy", Percent(report.FloatAccuracy));
        table.AddRow("fake-quant accuracy", Percent(report.QatAccuracy));
        table.AddRow("int8 accuracy of the file (reference interpreter)", Percent(report.Int8Accuracy));
        table.AddRow("argmax agreement fake-quant vs file", Percent(report.ArgmaxAgreement));
        table.AddRow("float32 weight bytes", Bytes(report.FloatBytes));
        table.AddRow(".qmodel file bytes", Bytes(report.QModelBytes));
        table.AddRow("deployed weight bytes (exported precisions)", Bytes(report.WeightBytes));
        console.Write(table);
        console.MarkupLine($"layers: {Markup.Escape(string.Join(", ", report.LayerPrecisions.Select(p => $"{p.Key}={p.Value}" + (report.WeightBits?.GetValueOrDefault(p.Key) is Int8Weights.ReducedBits ? " (7-bit weights)" : ""))))}");
        console.MarkupLine($"wrote {Markup.Escape(output)}, {Markup.Escape(ExportReport.PathFor(output))}");
    }

    private static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
