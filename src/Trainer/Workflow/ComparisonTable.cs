using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Training;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>One row of the seed's comparison: a label and the report its export wrote.</summary>
public sealed record ComparisonRow(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("qmodel")] string QModel,
    [property: JsonPropertyName("report")] ExportReport Report);

/// <summary>
/// The seed's steps 5 and 6 side by side for several exports of one float model (QAT whole or selected layers, PTQ
/// modes): test accuracy of the float model, of the fake-quantized model and of the exported file (reference
/// interpreter), their argmax agreement, and float32 vs <c>.qmodel</c> vs deployed bytes, with the command of each row.
/// </summary>
public sealed record ComparisonTable(
    [property: JsonPropertyName("test_images")] int TestImages,
    [property: JsonPropertyName("rows")] IReadOnlyList<ComparisonRow> Rows)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads <c>&lt;qmodel&gt;.report.json</c> of each (label, qmodel); all must be measured on the same number of test images.</summary>
    public static ComparisonTable Read(IEnumerable<(string Label, string QModel)> rows)
    {
        var read = rows.Select(r =>
        {
            string path = ExportReport.PathFor(r.QModel);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist: export {r.QModel} with 'qat' or 'ptq' first");
            }

            var report = JsonSerializer.Deserialize<ExportReport>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");
            return new ComparisonRow(r.Label, r.QModel, report);
        }).ToList();
        if (read.Count == 0)
        {
            throw new ArgumentException("give at least one --row LABEL=FILE.qmodel");
        }

        if (read.Select(r => r.Report.TestImages).Distinct().Count() > 1)
        {
            throw new InvalidDataException("the reports were measured on different numbers of test images: " +
                string.Join(", ", read.Select(r => $"{r.Label} {r.Report.TestImages}")));
        }

        return new ComparisonTable(read[0].Report.TestImages, read);
    }

    public void WriteJson(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>A Markdown table (for README) with one line per row, then the command of each row.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| seed step | float | fake-quant | file (interpreter) | agreement | float32 bytes | .qmodel bytes | deployed bytes |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in Rows)
        {
            var r = row.Report;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Label} | {Percent(r.FloatAccuracy)} | {Percent(r.QatAccuracy)} | {Percent(r.Int8Accuracy)} | {Percent(r.ArgmaxAgreement)} | {r.FloatBytes:N0} | {r.QModelBytes:N0} | {r.WeightBytes:N0} |");
        }

        text.AppendLine();
        foreach (var row in Rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Label}: `{row.Report.Command ?? "(command not recorded)"}`");
        }

        return text.ToString();
    }

    public static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
