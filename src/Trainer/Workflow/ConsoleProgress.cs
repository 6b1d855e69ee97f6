using System.Globalization;
using ModelCompiler.Trainer.Training;
using Spectre.Console;

namespace ModelCompiler.Trainer.Workflow;

/// <summary>Spectre.Console progress bars, one per epoch, showing running loss and accuracy, then validation accuracy.</summary>
public sealed class ConsoleProgress(ProgressContext context, IAnsiConsole console) : ITrainingProgress
{
    private ProgressTask? _task;
    private string _label = "";

    public void EpochStarted(string phase, int epoch, int epochs, int batches)
    {
        _label = $"{phase} epoch {epoch}/{epochs}";
        _task = context.AddTask(_label, maxValue: batches);
    }

    public void BatchFinished(int batch, double meanLoss, double accuracy)
    {
        if (_task is null)
        {
            return;
        }

        _task.Value = batch;
        if (batch % 20 == 0 || batch == (int)_task.MaxValue)
        {
            _task.Description = $"{_label} loss {F(meanLoss)} acc {P(accuracy)}";
        }
    }

    public void EpochFinished(EpochRecord record)
    {
        if (_task is not null)
        {
            _task.Description = $"{_label} loss {F(record.Loss)} acc {P(record.TrainAccuracy)} val {P(record.ValidationAccuracy)} " +
                $"({record.Seconds:F0} s, {record.ImagesPerSecond:F1} img/s: batches {record.BatchSeconds:F1} s, steps {record.StepSeconds:F1} s, validation {record.ValidationSeconds:F1} s)";
            _task.StopTask();
            if (!console.Profile.Capabilities.Interactive)
            {
                console.MarkupLine(Markup.Escape(_task.Description));
            }
        }
    }

    public void Message(string text) => console.MarkupLine(Markup.Escape(text));

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    private static string P(double v) => (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>Runs <paramref name="body"/> inside a progress display on <paramref name="console"/>.</summary>
    public static T Show<T>(IAnsiConsole console, Func<ITrainingProgress, T> body) =>
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => body(new ConsoleProgress(context, console)));
}
