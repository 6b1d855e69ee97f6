using System.CommandLine;
using ModelCompiler.Trainer.Training;
using ModelCompiler.Trainer.Workflow;
using Spectre.Console;

namespace ModelCompiler.Trainer.Cli;

/// <summary><c>compare</c>: the seed's comparison of several exports of one float model in one table (console, JSON, Markdown, PNG).</summary>
public static class CompareCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var rows = new Option<string[]>("--row")
        {
            Description = "LABEL=FILE.qmodel (its FILE.qmodel.report.json is read); repeat, one per row, in order.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--output", "-o") { Description = "The table as JSON.", Required = true };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown (with each row's command)." };
        var png = new Option<string?>("--png") { Description = "Also draw the training curves of --history above the rows' accuracies into this PNG." };
        var history = new Option<string?>("--history") { Description = "A trained model (.tsm, from 'qat') whose float and QAT history --png plots." };
        var command = new Command("compare", "Put several exports of one model (qat, qat --layer-types, ptq --mode ...) in one comparison table.")
        {
            rows, output, markdown, png, history,
        };
        command.SetAction(result =>
        {
            var pairs = result.GetValue(rows)!.Select(row =>
            {
                int equals = row.IndexOf('=', StringComparison.Ordinal);
                return equals > 0 ? (row[..equals], row[(equals + 1)..]) : throw new ArgumentException($"--row '{row}' is not LABEL=FILE.qmodel");
            });
            var table = ComparisonTable.Read(pairs);
            table.WriteJson(result.GetValue(output)!);
            var shown = new Table().AddColumns("row", "float", "fake-quant", "file (interpreter)", "agreement", "float32 bytes", ".qmodel bytes", "deployed bytes");
            foreach (var row in table.Rows)
            {
                var r = row.Report;
                shown.AddRow(Markup.Escape(row.Label), ComparisonTable.Percent(r.FloatAccuracy), ComparisonTable.Percent(r.QatAccuracy), ComparisonTable.Percent(r.Int8Accuracy),
                    ComparisonTable.Percent(r.ArgmaxAgreement), $"{r.FloatBytes:N0}", $"{r.QModelBytes:N0}", $"{r.WeightBytes:N0}");
            }

            console.Write(shown);
            if (result.GetValue(markdown) is { } md)
            {
                AtomicFile.WriteText(md, table.ToMarkdown());
            }

            if (result.GetValue(png) is { } picture)
            {
                string from = result.GetValue(history) ?? throw new ArgumentException("--png needs --history (a .tsm written by 'qat')");
                var bundle = ModelBundle.ReadMetadata(from);
                ComparisonFigure.Save(table, bundle.History, $"{bundle.Description.Name}: float training, then QAT (train and validation accuracy)", picture);
            }

            console.MarkupLine($"wrote {Markup.Escape(result.GetValue(output)!)}");
            return 0;
        });
        return command;
    }
}
