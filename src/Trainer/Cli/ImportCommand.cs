using System.CommandLine;
using ModelCompiler.Format;
using ModelCompiler.Import;
using ModelCompiler.Import.Mapping;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>import</c>: a TFLite or QDQ ONNX classifier trained elsewhere into a <c>.qmodel</c> (docs/import.md), written atomically,
/// with what became of each operator, the input preprocessing, and where the result computes differently from the source.
/// A float TFLite or ONNX model is quantized after import by the <c>ptq</c> command's modes (<see cref="ImportedFloatPtq"/>), on
/// the images of <c>--calibration-dir</c> or <c>--data</c>, unless <c>--mode float32</c> keeps it float.
/// </summary>
public static class ImportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string>("model") { Description = "The model to import: a .tflite file (int8 per-channel or uint8 scheme, or float32 through post-training quantization) or an .onnx file (QDQ int8, or float through post-training quantization)." };
        var output = CommonOptions.Output<string>("The .qmodel to write.", required: true);
        var name = new Option<string?>("--name") { Description = "The model's name (a C# identifier: the generated class). Default: from the file name." };
        var labels = new Option<string?>("--labels") { Description = "A text file with one class label per line, in output order. Default: class_0, class_1, ..." };
        var preprocess = new Option<string?>("--preprocess") { Description = "Float TFLite and ONNX: how a pixel p (0..255) becomes the graph's float input, 'scale=S offset=O' (p*S + O), e.g. 'scale=0.007843137 offset=-0.99607843' for MobileNet's [-1, 1]. Default: the file's metadata (ModelCompiler's ONNX export), else p / 255." };
        var common = new CommonOptions();
        var mode = new Option<string>("--mode")
        {
            Description = "Float models: full-int8 (calibrated int8, the default), dynamic, float16 (as 'ptq --mode'), or float32 (written unquantized, no data needed).",
            DefaultValueFactory = _ => "full-int8",
        };
        mode.AcceptOnlyFromAmong("full-int8", "dynamic", "float16", "float32");
        var rounding = new Option<string?>("--rounding")
        {
            Description = "Quantized TFLite models: how int8 layers requantize, tflite (TFLite's double rounding, the default) or single (one rounding). ONNX imports always round once.",
        };
        rounding.AcceptOnlyFromAmong("single", "tflite");
        var samples = new ExportOptions().CalibrationSamples;
        var percentile = new Option<double?>("--percentile") { Description = "Float models, full-int8: clip each activation range to this percentile (as 'ptq --percentile')." };
        common.DataDir.Aliases.Add("--calibration-dir");
        common.DataDir.Description = "Float models: the calibration and test images, as --data-dir takes them (class folders, 20% held out for test; folders in the model's output order make the accuracies meaningful, any photographs calibrate).";
        var command = new Command("import", "Import a TFLite or ONNX classifier into a .qmodel for the generator; a float TFLite or ONNX model is quantized after training (ptq) on --calibration-dir or --data images.")
        {
            model, output, name, labels, preprocess, rounding, mode, common.WeightBits, samples, percentile,
        };
        common.AddDataTo(command);
        command.SetAction(result =>
        {
            string source = result.GetValue(model)!;
            string target = result.GetValue(output)!;
            string? labelFile = result.GetValue(labels);
            Preprocessing? preprocessing = null;
            if (result.GetValue(preprocess) is { } text)
            {
                preprocessing = OnnxInputPreprocessing.Parse(text)
                    ?? throw new ModelImportException(source, [new ImportProblem("--preprocess", null, $"'{text}': expected scale=S offset=O (finite numbers, S not 0)")]);
            }

            Rounding? rule = result.GetValue(rounding) switch { "single" => Rounding.Single, "tflite" => Rounding.Tflite, _ => null };
            if (rule is not null && ModelImporter.Read(source).Format != SourceFormat.Tflite)
            {
                throw new ArgumentException($"{source}: --rounding applies to TFLite models only; an ONNX import rounds once, as ONNX Runtime does");
            }

            var imported = QModelImport.Import(source, new ImportOptions(result.GetValue(name), labelFile is null ? null : ClassLabels.Read(labelFile), preprocessing, rule));
            Print(console, source, imported);
            bool isFloat = IsFloat(imported.Model);
            string kind = result.GetValue(mode)!;
            bool dataGiven = result.GetResult(common.DataDir) is { Implicit: false } || result.GetResult(common.Data) is { Implicit: false };
            if (!isFloat && (kind != "full-int8" || dataGiven))
            {
                throw new ArgumentException($"{source} is already quantized: --mode, --calibration-dir and --data apply to float models only");
            }

            if (isFloat && kind != "float32")
            {
                if (!dataGiven)
                {
                    throw new ArgumentException($"{source} is a float model: quantizing it needs images, --calibration-dir DIR (class folders) or --data fashion-mnist; --mode float32 writes it unquantized");
                }

                Quantize(result, common, imported.Model, source, target, kind, samples, percentile, console);
                return 0;
            }

            QModelFile.WriteAtomic(target, imported.Model);
            console.MarkupLine($"wrote [bold]{ConsoleText.Show(target)}[/] ({new FileInfo(target).Length:N0} bytes, format version {QModelWriter.FormatVersionOf(imported.Model)}, model {ConsoleText.Show(imported.Model.Name)}, {imported.Model.Labels.Count} labels)");
            return 0;
        });
        return command;
    }

    /// <summary>Whether every weighted layer is float32 and nothing is quantized: a float ONNX model as imported.</summary>
    private static bool IsFloat(QModel model) =>
        model.InputQuant is null && model.Layers.All(l => l is not QuantizeLayer && (l is not WeightedLayer w || w.Weights is Float32Weights));

    private static void Quantize(ParseResult result, CommonOptions common, QModel floatModel, string source, string target, string kind,
        Option<int> samples, Option<double?> percentile, IAnsiConsole console)
    {
        int? weightBits = result.GetValue(common.WeightBits);
        var precision = kind switch { "dynamic" => Precision.DynamicInt8, "float16" => Precision.Float16, _ => Precision.Int8 };
        if (weightBits is not null && precision != Precision.Int8)
        {
            throw new ArgumentException($"--weight-bits applies to --mode full-int8 only, not {kind}");
        }

        if (result.GetValue(percentile) is <= 50 or > 100)
        {
            throw new ArgumentException("--percentile must be in (50, 100]");
        }

        int threads = result.GetValue(common.Threads);
        Torch.Start(threads);
        using var network = ImportedFloatPtq.Network(floatModel, source);
        // Calibration needs images, not the model's classes: an ImageNet classifier calibrates on any photographs.
        var description = network.Description;
        var data = LoadedData.Load(common.Selection(result), description.InputHeight, description.InputWidth, description.InputChannels, null, description.Name);
        DataSummary.Print(data, console);
        if (data.Train.Classes.Count != description.Outputs)
        {
            console.MarkupLine($"note: the images' {data.Train.Classes.Count} class folders are not the model's {description.Outputs} classes: they calibrate the int8 ranges, " +
                "but the accuracies below compare predictions with unrelated labels; the argmax agreement (fake-quant against the file) still holds");
        }

        var settings = new PtqSettings(precision, result.GetValue(samples), result.GetValue(percentile), weightBits ?? CommonOptions.DefaultWeightBits, result.GetValue(common.Seed));
        ImportedFloatPtq.Run(network, floatModel, source, settings, kind, data, target, threads, console, CommandLineText.Of(result));
    }

    private static void Print(IAnsiConsole console, string source, ImportedModel imported)
    {
        var report = imported.Report;
        console.MarkupLine($"imported [bold]{ConsoleText.Show(source)}[/]: {report.Mapped.Count} operators mapped, {report.Folded.Count} folded, {report.Dropped.Count} dropped; {imported.Model.Layers.Count} layers");
        Section(console, "mapped", report.Mapped);
        Section(console, "folded", report.Folded);
        Section(console, "dropped", report.Dropped);
        console.MarkupLine("input preprocessing:");
        console.MarkupLine("  " + ConsoleText.Show(report.Preprocessing));
        Section(console, "computed differently from the source (nothing else is)", report.Differences);
        Section(console, "notes", report.Notes);
    }

    private static void Section(IAnsiConsole console, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        console.MarkupLine(title + ":");
        foreach (string line in lines)
        {
            console.MarkupLine("  " + ConsoleText.Show(line));
        }
    }
}
