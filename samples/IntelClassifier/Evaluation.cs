using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// <c>--evaluate</c>: the compiled model over a labelled folder: accuracy, the confusion matrix, and microseconds per
/// photo of the compiled model's <c>Predict</c> alone (batch 1, one thread; decoding timed apart).
/// </summary>
internal static class Evaluation
{
    public static int[] Run(SceneModel model, string folder, DecodedPhotos photos, TextWriter output, string? jsonPath)
    {
        // Warm up for half a second: the first call allocates the arena, and the JIT promotes hot methods to
        // optimised code only after a call count and a delay (Native AOT code is optimised from the start).
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; warmUp.ElapsedMilliseconds < 500; i = (i + 1) % photos.Count)
        {
            model.Predict(photos.Image(i));
        }

        var predictions = new int[photos.Count];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < photos.Count; i++)
        {
            predictions[i] = model.Predict(photos.Image(i));
        }

        clock.Stop();
        var matrix = new ConfusionMatrix(model.Labels);
        for (int i = 0; i < photos.Count; i++)
        {
            matrix.Add(photos.Photos[i].Label, predictions[i]);
        }

        double accuracy = (double)matrix.Correct / photos.Count;
        double micros = clock.Elapsed.TotalMicroseconds / photos.Count;
        double decodeMicros = photos.DecodeTime.TotalMicroseconds / photos.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.ClassName} ({model.FileName}) on {ModelCompiler.Format.TerminalText.Escape(folder)}: {photos.Count} photos, {photos.Failures.Count} unreadable"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:P2} ({matrix.Correct}/{photos.Count})"));
        matrix.Print(output);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{micros:F1} us per photo for Predict (batch 1, one thread), {decodeMicros:F1} us per photo to decode and resize"));
        if (jsonPath is not null)
        {
            WriteJson(jsonPath, accuracy, matrix, photos, micros, decodeMicros);
        }

        return predictions;
    }

    private static void WriteJson(string path, double accuracy, ConfusionMatrix matrix, DecodedPhotos photos, double micros, double decodeMicros)
    {
        // Utf8JsonWriter needs no reflection, so the sample stays clean under Native AOT; temp file + rename.
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream, new() { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("accuracy", accuracy);
            writer.WriteNumber("correct", matrix.Correct);
            writer.WriteNumber("count", photos.Count);
            writer.WriteNumber("unreadable", photos.Failures.Count);
            writer.WriteNumber("us_per_image", micros);
            writer.WriteNumber("decode_us_per_image", decodeMicros);
            matrix.Write(writer);
            writer.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }
}
