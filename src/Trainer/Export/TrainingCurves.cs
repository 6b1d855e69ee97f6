using ModelCompiler.Trainer.Training;
using ScottPlot;

namespace ModelCompiler.Trainer.Export;

/// <summary>Plots accuracy (train and validation) per epoch of the float and QAT phases to a PNG.</summary>
public static class TrainingCurves
{
    public static void Save(IReadOnlyList<EpochRecord> history, string path, string title)
    {
        var plot = Create(history, title);
        AtomicFile.Write(path, temporary =>
        {
            string png = temporary + ".png";
            plot.SavePng(png, 900, 540);
            File.Move(png, temporary, overwrite: true);
        });
    }

    /// <summary>The plot <see cref="Save"/> writes.</summary>
    public static Plot Create(IReadOnlyList<EpochRecord> history, string title)
    {
        var plot = new Plot();
        int offset = 0;
        foreach (var phase in history.Select(h => h.Phase).Distinct())
        {
            var records = history.Where(h => h.Phase == phase).OrderBy(h => h.Epoch).ToArray();
            double[] xs = records.Select(r => (double)(offset + r.Epoch)).ToArray();
            var train = plot.Add.Scatter(xs, records.Select(r => r.TrainAccuracy * 100).ToArray());
            train.LegendText = $"{phase} train";
            var validation = plot.Add.Scatter(xs, records.Select(r => r.ValidationAccuracy * 100).ToArray());
            validation.LegendText = $"{phase} validation";
            validation.LinePattern = LinePattern.Dashed;
            offset += records.Length == 0 ? 0 : records.Max(r => r.Epoch);
        }

        plot.Title(title);
        plot.XLabel("epoch (float, then QAT)");
        plot.YLabel("accuracy %");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
