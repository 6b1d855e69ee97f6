using System.CommandLine;
using System.Globalization;
using ModelCompiler.Format;
using ModelCompiler.IO;
using ModelCompiler.Trainer.Export;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>inspect</c>: a table of a .qmodel's layers (op, the tensors each reads and their shapes, output shape, precision,
/// parameters, MACs, bytes, quantization). A layer's inputs are the tensors it names (a graph), or the previous layer.
/// </summary>
public static class InspectCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var path = new Argument<string>("qmodel") { Description = "The .qmodel file to describe." };
        var maxBytes = ModelFileOption.Create();
        var command = new Command("inspect", "Show a .qmodel's layers: op, shapes, precision, parameters, MACs, bytes.");
        command.Arguments.Add(path);
        command.Options.Add(maxBytes);
        command.SetAction(result =>
        {
            string file = result.GetValue(path)!;
            var model = ModelFileOption.Read(file, result.GetValue(maxBytes));
            var graph = TensorChain.InferGraph(model);
            var tensors = graph.Tensors;
            var table = new Table().Title($"[bold]{ConsoleText.Show(model.Name)}[/] ({ConsoleText.Show(file)}, format version {QModelWriter.FormatVersionOf(model)})")
                .AddColumns("#", "layer", "op", "inputs", "input shape", "output", "precision", "params", "MACs", "bytes", "output quant");
            long totalParams = 0, totalMacs = 0, totalBytes = 0;
            for (int i = 0; i < model.Layers.Count; i++)
            {
                var layer = model.Layers[i];
                var reads = graph.InputsOf(i);
                var output = tensors[ModelGraph.OutputOf(i)];
                var cost = LayerCost.Of(layer, output);
                var (parameters, macs, bytes) = (cost.Parameters, cost.MultiplyAccumulates, cost.WeightBytes);
                string precision = layer is WeightedLayer w ? TensorChain.PrecisionName(w.Precision) : output.Kind == ElementKind.Int8 ? "int8" : "float32";
                totalParams += parameters;
                totalMacs += macs;
                totalBytes += bytes;
                table.AddRow(
                    i.ToString(CultureInfo.InvariantCulture), ConsoleText.Show(layer.Name), layer.Op.ToString(),
                    ConsoleText.Show(string.Join(", ", reads.Select(graph.NameOf))),
                    Markup.Escape(string.Join(", ", reads.Select(t => tensors[t].Shape.ToString()).Distinct())), Markup.Escape(output.Shape.ToString()),
                    precision, N(parameters), N(macs), N(bytes),
                    output.Quant is { } q ? $"s={q.Scale.ToString("G5", CultureInfo.InvariantCulture)} zp={q.ZeroPoint}" : "");
            }

            table.AddRow("", "[bold]total[/]", "", "", Markup.Escape(model.InputShape.ToString()), "", "", N(totalParams), N(totalMacs), N(totalBytes), "");
            console.Write(table);
            console.MarkupLine($"input {Markup.Escape(model.InputShape.ToString())} {model.InputLayout.ToString().ToLowerInvariant()}, pixel * {model.Preprocessing.Scale.ToString("G6", CultureInfo.InvariantCulture)} + {model.Preprocessing.Offset.ToString(CultureInfo.InvariantCulture)}"
                + (model.InputQuant is { } iq ? $", quantized s={iq.Scale.ToString("G6", CultureInfo.InvariantCulture)} zp={iq.ZeroPoint}" : ", float"));
            console.MarkupLine($"labels: {ConsoleText.Show(string.Join(", ", model.Labels))}");
            foreach (var entry in model.Provenance)
            {
                console.MarkupLine($"{ConsoleText.Show(entry.Key)}: {ConsoleText.Show(entry.Value)}");
            }

            console.MarkupLine($"file size {N(new FileInfo(file).Length)} bytes; {N(totalMacs)} multiply-accumulates and {N(totalBytes)} weight bytes a prediction");
            return 0;
        });
        return command;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
