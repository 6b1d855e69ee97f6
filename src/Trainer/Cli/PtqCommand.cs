using System.CommandLine;
using ModelCompiler.Format;
using ModelCompiler.Trainer.Training;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>ptq</c>: post-training quantization (full integer, dynamic range, float16), then export and compare.</summary>
public static class PtqCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var common = new CommonOptions();
        var export = new ExportOptions();
        var mode = new Option<string>("--mode")
        {
            Description = "full-int8: int8 weights and activations, ranges from a representative data set; dynamic: int8 weights, float activations; float16: half weights.",
            DefaultValueFactory = _ => "full-int8",
        };
        mode.AcceptOnlyFromAmong("full-int8", "dynamic", "float16");
        var percentile = new Option<double?>("--percentile") { Description = "Full-int8: clip each activation range to this percentile (e.g. 99.99), averaged over batches, instead of min/max." };
        var command = new Command("ptq", "Post-training quantization of a trained model, export to .qmodel, and the comparison.");
        foreach (var option in new Option[] { export.From, export.Name, export.Output, mode, common.WeightBits, export.CalibrationSamples, percentile })
        {
            command.Options.Add(option);
        }

        common.AddDataTo(command);
        command.SetAction(result =>
        {
            int threads = result.GetValue(common.Threads);
            string kind = result.GetValue(mode)!;
            int? weightBits = result.GetValue(common.WeightBits);
            if (weightBits is not null && kind != "full-int8")
            {
                // Dynamic-range layers dequantize their weights and compute in float: no int8 kernel to keep exact.
                throw new ArgumentException($"--weight-bits applies to --mode full-int8 only, not {kind}");
            }

            Torch.Start(threads);
            string fromPath = result.GetValue(export.From)!;
            var (bundle, network) = ModelBundle.Load(fromPath);
            using (network)
            {
                var data = LoadedData.Load(common.Selection(result), bundle.Description);
                DataSummary.Print(data, console);
                var precision = kind switch
                {
                    "dynamic" => Precision.DynamicInt8,
                    "float16" => Precision.Float16,
                    _ => Precision.Int8,
                };
                var precisions = Enumerable.Repeat(precision, network.Precisions.Length).ToArray();
                double? p = result.GetValue(percentile);
                if (p is <= 50 or > 100)
                {
                    throw new ArgumentException("--percentile must be in (50, 100]");
                }

                if (precision == Precision.Int8)
                {
                    network.WeightBits = weightBits ?? CommonOptions.DefaultWeightBits;
                    Calibration.Run(network, precisions, data.Train, result.GetValue(export.CalibrationSamples), p, result.GetValue(common.Seed));
                }
                else
                {
                    network.Configure(precisions);
                }

                string recipe = precision == Precision.Int8
                    ? $"ptq: {kind}, {result.GetValue(export.CalibrationSamples)} calibration images (seed {result.GetValue(common.Seed)}), {(p is { } pc ? $"{pc} percentile" : "min/max")} ranges, {network.WeightBits}-bit weights"
                    : $"ptq: {kind}";
                var quantized = bundle with { Training = [.. bundle.Training ?? [], recipe] };
                ExportComparison.Run(network, quantized, fromPath, data, "ptq-" + kind, bundle.History, result.GetValue(export.Output)!, threads, console, result.GetValue(export.Name), CommandLineText.Of(result));
            }

            return 0;
        });
        return command;
    }
}
