using System.Globalization;
using ModelCompiler.Trainer.Export;
using ModelCompiler.Trainer.Training;
using ScottPlot;
using SkiaSharp;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>
/// One PNG with the training curves (float, then QAT) above the comparison: per row, the test accuracy of the
/// exported file (reference interpreter) against the float model's.
/// </summary>
public static class ComparisonFigure
{
    private const int Width = 1000;

    public static void Save(ComparisonTable table, IReadOnlyList<EpochRecord> history, string title, string path)
    {
        var curves = TrainingCurves.Create(history, title);
        var bars = Bars(table);
        AtomicFile.Write(path, temporary =>
        {
            string top = temporary + ".curves.png", bottom = temporary + ".bars.png";
            try
            {
                curves.SavePng(top, Width, 520);
                bars.SavePng(bottom, Width, 80 + 46 * table.Rows.Count);
                using var upper = SKBitmap.Decode(top);
                using var lower = SKBitmap.Decode(bottom);
                using var surface = SKSurface.Create(new SKImageInfo(Width, upper.Height + lower.Height));
                surface.Canvas.Clear(SKColors.White);
                surface.Canvas.DrawBitmap(upper, 0, 0);
                surface.Canvas.DrawBitmap(lower, 0, upper.Height);
                using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
                using var stream = File.Create(temporary);
                png.SaveTo(stream);
            }
            finally
            {
                File.Delete(top);
                File.Delete(bottom);
            }
        });
    }

    private static Plot Bars(ComparisonTable table)
    {
        var plot = new Plot();
        int n = table.Rows.Count;
        var bars = new List<Bar>();
        for (int i = 0; i < n; i++)
        {
            var report = table.Rows[i].Report;
            double position = n - 1 - i;
            bars.Add(new Bar
            {
                Position = position,
                Value = report.Int8Accuracy * 100,
                Label = ComparisonTable.Percent(report.Int8Accuracy) + $"  (float {ComparisonTable.Percent(report.FloatAccuracy)}, agreement {ComparisonTable.Percent(report.ArgmaxAgreement)})",
                FillColor = Colors.SteelBlue,
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 12;
        double low = Math.Floor(table.Rows.Min(r => Math.Min(r.Report.Int8Accuracy, r.Report.FloatAccuracy)) * 100 / 5) * 5 - 5;
        plot.Axes.SetLimitsX(Math.Max(0, low), 100);
        plot.Axes.SetLimitsY(-0.6, n - 0.4);
        plot.Axes.Left.SetTicks(
            [.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))],
            [.. table.Rows.Select(r => r.Label)]);
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"each file, {table.TestImages} test images"));
        plot.XLabel("accuracy %");
        return plot;
    }
}
