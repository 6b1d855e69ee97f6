using System.CommandLine;
using Google.Protobuf;
using ModelCompiler.IO;
using ModelCompiler.Onnx;
using ModelCompiler.Trainer.Training;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>export-onnx</c>: the same model for ONNX Runtime, as a float graph and as an int8 QDQ graph carrying the
/// <c>.qmodel</c>'s scales and zero points (ORT fuses it into QLinearConv/QGemm). A trained float model (<c>.tsm</c>)
/// is written as the float graph only, with its float32 weights (what <c>import</c> quantizes after training).
/// </summary>
public static class ExportOnnxCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string>("qmodel") { Description = "The .qmodel to export, or a trained float model (.tsm from 'train': the float graph only)." };
        var output = CommonOptions.Output<string?>("Path stem: writes <stem>.float.onnx and <stem>.int8.onnx (default: next to the .qmodel).");
        var maxBytes = ModelFileOption.Create();
        var command = new Command(
            "export-onnx",
            "Write a .qmodel as ONNX (opset 13): float32, and int8 QDQ with the file's quantization. Input 'input' is float32 NCHW [1, C, H, W], preprocessed (pixel / 255); output 'output'.")
        {
            model, output, maxBytes,
        };
        command.SetAction(result =>
        {
            string path = result.GetValue(model)!;
            bool trained = path.EndsWith(".tsm", StringComparison.OrdinalIgnoreCase);
            var qmodel = trained ? FloatModel(path) : ModelFileOption.Read(path, result.GetValue(maxBytes));
            string stem = result.GetValue(output) ?? Path.ChangeExtension(path, null);
            var kinds = new[] { (OnnxExportKind.Float, ".float.onnx"), (OnnxExportKind.QuantizedQdq, ".int8.onnx") };
            foreach (var (kind, suffix) in trained ? kinds[..1] : kinds)
            {
                byte[] bytes = OnnxExporter.Export(qmodel, kind).ToByteArray();
                AtomicFile.WriteBytes(stem + suffix, bytes);
                console.MarkupLine($"wrote [bold]{Markup.Escape(stem + suffix)}[/] ({bytes.Length:N0} bytes, {kind})");
            }

            return 0;
        });
        return command;
    }

    /// <summary>A trained float model as a float32 <c>.qmodel</c> in memory: every layer float32, the weights as trained.</summary>
    private static ModelCompiler.Format.QModel FloatModel(string path)
    {
        Torch.Start(1);
        var (bundle, network) = ModelBundle.Load(path);
        using (network)
        {
            network.Configure(Enumerable.Repeat(ModelCompiler.Format.Precision.Float32, network.Precisions.Length).ToArray());
            return Export.QModelExporter.Export(network, bundle.Classes, [new("exported_from", Path.GetFileName(path))]);
        }
    }
}
