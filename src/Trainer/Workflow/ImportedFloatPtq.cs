using ModelCompiler.Format;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Models;
using ModelCompiler.Trainer.Training;
using Spectre.Console;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>How <c>import</c> quantizes a float model: the <c>ptq</c> command's modes and settings.</summary>
/// <param name="Precision">Int8 (full integer, calibrated), DynamicInt8 or Float16.</param>
public sealed record PtqSettings(Precision Precision, int CalibrationSamples, double? Percentile, int WeightBits, int Seed)
{
    /// <summary>The recipe line of the file's provenance (as <c>ptq</c> writes it).</summary>
    public string Describe(string mode) => Precision == Precision.Int8
        ? $"ptq: {mode}, {CalibrationSamples} calibration images (seed {Seed}), {(Percentile is { } p ? $"{p} percentile" : "min/max")} ranges, {WeightBits}-bit weights"
        : $"ptq: {mode}";
}

/// <summary>
/// Post-training quantization of an imported float model (docs/import.md, "Float models through PTQ"): the float32
/// <c>.qmodel</c> becomes the trainer's TorchSharp network (<see cref="QModelImport.FloatNetwork"/>, the weights as they
/// are), which the <c>ptq</c> command's calibration and export then quantize exactly as they quantize a trained model.
/// </summary>
public static class ImportedFloatPtq
{
    /// <summary>The float model's layers in the trainer's terms, or an error naming what the trainer cannot build.</summary>
    /// <exception cref="InvalidDataException">The model cannot be quantized by the trainer.</exception>
    public static GraphNetwork Network(QModel floatModel, string source)
    {
        // The trainer's data are pixels / 255 (docs/trainer.md, Data): calibrating another input scale would measure other ranges.
        if (floatModel.Preprocessing != new Preprocessing(1f / 255f, 0f))
        {
            throw new InvalidDataException(
                $"{source}: post-training quantization needs the input preprocessing pixel / 255 (the trainer's images); this model takes " +
                $"pixel * {floatModel.Preprocessing.Scale:R} + {floatModel.Preprocessing.Offset:R}");
        }

        try
        {
            return QModelImport.FloatNetwork(floatModel);
        }
        catch (Exception e) when (e is NotSupportedException or ModelDescriptionException)
        {
            throw new InvalidDataException($"{source}: the trainer cannot quantize this model: {e.Message}", e);
        }
    }

    /// <summary>Calibrates (int8) or converts the network, writes <paramref name="output"/> and the comparison report.</summary>
    public static ExportReport Run(GraphNetwork network, QModel floatModel, string source, PtqSettings settings, string mode, LoadedData data,
        string output, int threads, IAnsiConsole console, string? command)
    {
        double floatAccuracy = Evaluator.Accuracy(network, data.Test);
        var precisions = Enumerable.Repeat(settings.Precision, network.Precisions.Length).ToArray();
        if (settings.Precision == Precision.Int8)
        {
            network.WeightBits = settings.WeightBits;
            Calibration.Run(network, precisions, data.Train, settings.CalibrationSamples, settings.Percentile, settings.Seed);
        }
        else
        {
            network.Configure(precisions);
        }

        string sha256 = floatModel.Provenance.FirstOrDefault(p => p.Key == "imported_from.sha256").Value ?? "";
        var bundle = new ModelBundle
        {
            Description = network.Description,
            Classes = [.. floatModel.Labels],
            Precisions = precisions,
            Dataset = data.Name,
            History = [],
            Training = [$"import: float model {Path.GetFileName(source)} (sha256 {sha256})", settings.Describe(mode)],
        };
        return ExportComparison.Run(network, bundle, floatAccuracy, data, "import-ptq-" + mode, [], output, threads, console, floatModel.Name, command);
    }
}
