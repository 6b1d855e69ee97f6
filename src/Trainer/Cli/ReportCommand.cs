using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompiler.Trainer.Training;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary>
/// <c>report</c>: the main job's closing table, the seed's comparison end to end: float vs QAT vs compiled-int8
/// accuracy, float vs .qmodel vs binary size, and microseconds per image for TorchSharp float and the compiled code.
/// Reads what the earlier steps wrote and writes the same figures to one JSON file.
/// </summary>
public static class ReportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var qmodelReport = new Option<string>("--qmodel-report") { Description = "The <model>.qmodel.report.json written by qat/ptq.", Required = true };
        var compiled = new Option<string>("--compiled") { Description = "The JSON the compiled sample wrote with --evaluate --json.", Required = true };
        var torch = new Option<string>("--torch-latency") { Description = "The JSON 'evaluate --latency --json' wrote for the float model.", Required = true };
        var binary = new Option<string>("--binary") { Description = "The Native AOT binary.", Required = true };
        var publishSeconds = new Option<double>("--publish-seconds") { Description = "How long the AOT publish took." };
        var wallSeconds = new Option<double>("--wall-seconds") { Description = "How long the whole job took." };
        var output = CommonOptions.Output<string>("The report to write.", "artifacts/report.json");
        var command = new Command("report", "Print the main job's comparison table and write it as JSON.")
        {
            qmodelReport, compiled, torch, binary, publishSeconds, wallSeconds, output,
        };
        command.SetAction(result =>
        {
            var export = Read(result.GetValue(qmodelReport)!);
            var aot = Read(result.GetValue(compiled)!);
            var latency = Read(result.GetValue(torch)!);
            var figures = new JsonObject
            {
                ["float_accuracy"] = Number(export, "float_accuracy"),
                ["qat_accuracy"] = Number(export, "qat_accuracy"),
                ["int8_accuracy"] = Number(export, "int8_accuracy"),
                ["compiled_int8_accuracy"] = Number(aot, "accuracy"),
                ["argmax_agreement"] = Number(export, "argmax_agreement"),
                ["float_bytes"] = Number(export, "float_bytes"),
                ["qmodel_bytes"] = Number(export, "qmodel_bytes"),
                ["weight_bytes"] = Number(export, "weight_bytes"),
                ["binary_bytes"] = (double)new FileInfo(result.GetValue(binary)!).Length,
                ["torchsharp_float_us_per_image"] = Number(latency, "us_per_image"),
                ["compiled_int8_us_per_image"] = Number(aot, "us_per_image"),
                ["publish_seconds"] = result.GetValue(publishSeconds),
                ["wall_seconds"] = result.GetValue(wallSeconds),
            };

            var table = new Table().AddColumns("", "float (TorchSharp)", "QAT (fake-quant)", "compiled int8 (AOT binary)");
            table.AddRow("accuracy", Percent(figures, "float_accuracy"), Percent(figures, "qat_accuracy"), Percent(figures, "compiled_int8_accuracy"));
            table.AddRow("size", Bytes(figures, "float_bytes") + " weights", Bytes(figures, "qmodel_bytes") + " .qmodel", Bytes(figures, "binary_bytes") + " binary");
            table.AddRow("us per image (batch 1)", Fixed(figures, "torchsharp_float_us_per_image"), "", Fixed(figures, "compiled_int8_us_per_image"));
            console.Write(table);
            console.MarkupLine(
                $"reference interpreter on the exported file: {Percent(figures, "int8_accuracy")}; " +
                $"AOT publish {Fixed(figures, "publish_seconds")} s; whole job {Fixed(figures, "wall_seconds")} s");
            AtomicFile.WriteText(result.GetValue(output)!, figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return command;
    }

    private static JsonNode Read(string path)
    {
        try
        {
            return JsonNode.Parse(JsonFile.ReadText(path, "a JSON report")) ?? throw new InvalidDataException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    private static double Number(JsonNode node, string key) =>
        node[key]?.GetValue<double>() ?? throw new InvalidDataException($"the JSON has no number '{key}'");

    private static string Percent(JsonObject figures, string key) =>
        (figures[key]!.GetValue<double>() * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private static string Fixed(JsonObject figures, string key) =>
        figures[key]!.GetValue<double>().ToString("F1", CultureInfo.InvariantCulture);

    private static string Bytes(JsonObject figures, string key) =>
        (figures[key]!.GetValue<double>() / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KiB";
}
