using System.CommandLine;

namespace ModelCompiler.Trainer.Cli;

/// <summary>Options of the commands that quantize a trained model and export it (qat, ptq).</summary>
public sealed class ExportOptions
{
    public Option<string> From { get; } = new("--from") { Description = "Trained float model (from 'train').", Required = true };

    public Option<string?> Name { get; } = new("--name")
    {
        Description = "Name of the exported model: a C# identifier, the class the generator emits (default: from the model description, e.g. FashionCnn).",
    };

    public Option<string> Output { get; } = CommonOptions.Output<string>(
        "The .qmodel to write (also <output>.report.json and <output>.curves.png; qat also <output>.tsm).", "model.qmodel");

    public Option<int> CalibrationSamples { get; } = new("--calibration-samples")
    {
        Description = "Training images whose activation ranges calibrate the int8 layers (ptq full-int8; qat: the observers' starting ranges).",
        DefaultValueFactory = _ => 1000,
    };
}
