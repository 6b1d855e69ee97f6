using System.Globalization;
using System.Text.Json;

namespace ModelCompiler.Samples.Intel;

/// <summary>Counts of (true class, predicted class), printed with each class's recall and precision.</summary>
internal sealed class ConfusionMatrix(IReadOnlyList<string> labels)
{
    private readonly int[,] counts = new int[labels.Count, labels.Count];

    public void Add(int actual, int predicted) => counts[actual, predicted]++;

    public int Total => Enumerable.Range(0, labels.Count).Sum(Row);

    public int Correct => Enumerable.Range(0, labels.Count).Sum(c => counts[c, c]);

    public void Print(TextWriter output)
    {
        int width = Math.Max(9, labels.Max(l => l.Length) + 1);
        output.WriteLine("confusion matrix (rows: true class, columns: predicted class)");
        output.Write(new string(' ', width));
        foreach (string label in labels)
        {
            output.Write(label.PadLeft(width));
        }

        output.WriteLine("   recall".PadLeft(width + 2));
        for (int actual = 0; actual < labels.Count; actual++)
        {
            output.Write(labels[actual].PadRight(width));
            for (int predicted = 0; predicted < labels.Count; predicted++)
            {
                output.Write(counts[actual, predicted].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            output.WriteLine(Percent(counts[actual, actual], Row(actual)).PadLeft(width + 2));
        }

        output.Write("precision".PadRight(width));
        for (int predicted = 0; predicted < labels.Count; predicted++)
        {
            output.Write(Percent(counts[predicted, predicted], Column(predicted)).PadLeft(width));
        }

        output.WriteLine();
    }

    /// <summary>Writes <c>"labels": [...]</c> and <c>"confusion": [[...], ...]</c> (rows: true class).</summary>
    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("labels");
        foreach (string label in labels)
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("confusion");
        for (int actual = 0; actual < labels.Count; actual++)
        {
            writer.WriteStartArray();
            for (int predicted = 0; predicted < labels.Count; predicted++)
            {
                writer.WriteNumberValue(counts[actual, predicted]);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private int Row(int actual) => Enumerable.Range(0, labels.Count).Sum(p => counts[actual, p]);

    private int Column(int predicted) => Enumerable.Range(0, labels.Count).Sum(a => counts[a, predicted]);

    private static string Percent(int part, int whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
