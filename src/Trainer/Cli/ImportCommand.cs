using System.CommandLine;
using ModelCompiler.Format;
using ModelCompiler.Import;
using ModelCompiler.Import.Mapping;
using ModelCompiler.IO;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>import</c>: a TFLite or QDQ ONNX classifier trained elsewhere into a <c>.qmodel</c> (docs/import.md), written atomically,
/// with what became of each operator, the input preprocessing, and where the result computes differently from the source.
/// </summary>
public static class ImportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string>("model") { Description = "The model to import: a .tflite file (int8 per-channel scheme) or a QDQ .onnx file (QuantizeLinear/DequantizeLinear, int8 weights)." };
        var output = CommonOptions.Output<string>("The .qmodel to write.", required: true);
        var name = new Option<string?>("--name") { Description = "The model's name (a C# identifier: the generated class). Default: from the file name." };
        var labels = new Option<string?>("--labels") { Description = "A text file with one class label per line, in output order. Default: class_0, class_1, ..." };
        var preprocess = new Option<string?>("--preprocess") { Description = "ONNX: how a pixel p (0..255) becomes the graph's float input, 'scale=S offset=O' (p*S + O). Default: the file's metadata (ModelCompiler's export), else p / 255." };
        var command = new Command("import", "Import a quantized TFLite or ONNX classifier into a .qmodel for the generator.") { model, output, name, labels, preprocess };
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

            var imported = QModelImport.Import(source, new ImportOptions(result.GetValue(name), labelFile is null ? null : ClassLabels.Read(labelFile), preprocessing));
            Print(console, source, imported);
            QModelFile.WriteAtomic(target, imported.Model);
            console.MarkupLine($"wrote [bold]{ConsoleText.Show(target)}[/] ({new FileInfo(target).Length:N0} bytes, format version {QModelWriter.FormatVersionOf(imported.Model)}, model {ConsoleText.Show(imported.Model.Name)}, {imported.Model.Labels.Count} labels)");
            return 0;
        });
        return command;
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
