using System.CommandLine;
using System.Diagnostics;
using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Fashion;

/// <summary>
/// Classifies clothing images with the int8 model compiled in at build time from fashion.qmodel
/// (the generated <see cref="FashionClassifier"/> class): no interpreter and no model file at run time.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var images = new Argument<string[]>("images") { Description = "PNG or JPEG files to classify", Arity = ArgumentArity.ZeroOrMore };
        var indices = new Option<int[]>("--index") { Description = "Fashion-MNIST test image indices to classify", AllowMultipleArgumentsPerToken = true };
        var range = new Option<int[]>("--range") { Description = "START COUNT: classify that many consecutive test images, one line each", AllowMultipleArgumentsPerToken = true };
        var evaluate = new Option<bool>("--evaluate") { Description = "Run the compiled model over the 10,000 test images; print accuracy and microseconds per image" };
        var json = new Option<string?>("--json") { Description = "With --evaluate: also write accuracy and timing to this JSON file" };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder with the idx files", DefaultValueFactory = _ => IdxImages.DefaultDirectory };
        var maxPixels = new Option<long>("--max-image-pixels") { Description = "Refuse images whose header declares more pixels (docs/limits.md)", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxPixels };
        var maxBytes = new Option<long>("--max-image-bytes") { Description = "Refuse image files larger than this", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxFileBytes };
        var allowTruncated = new Option<bool>("--allow-truncated") { Description = "Classify truncated images as far as their data goes, with a warning, instead of refusing them" };

        var root = new RootCommand("Fashion-MNIST classifier compiled from fashion.qmodel into int8 C#") { images, indices, range, evaluate, json, dataDir, maxPixels, maxBytes, allowTruncated };
        root.SetAction(result =>
        {
            try
            {
                string dir = result.GetValue(dataDir)!;
                var limits = new ImageReadOptions { MaxPixels = result.GetValue(maxPixels), MaxFileBytes = result.GetValue(maxBytes), AllowTruncated = result.GetValue(allowTruncated) };
                string[] files = result.GetValue(images) ?? [];
                int failed = Classify(files, limits);
                bool any = files.Length > 0;

                int[] picked = result.GetValue(indices) ?? [];
                int[] span = result.GetValue(range) ?? [];
                if (span.Length is not (0 or 2))
                {
                    throw new ArgumentException("--range takes START COUNT");
                }

                if (picked.Length > 0 || span.Length == 2)
                {
                    var test = TestSet.Load(dir);
                    IEnumerable<int> which = span.Length == 2 ? Enumerable.Range(span[0], span[1]) : picked;
                    foreach (int i in which)
                    {
                        int predicted = FashionClassifier.Predict(test.Image(i));
                        Console.WriteLine($"{i} {predicted} {FashionClassifier.Labels[predicted]} (true: {FashionClassifier.Labels[test.Labels[i]]})");
                    }

                    any = true;
                }

                if (result.GetValue(evaluate))
                {
                    Evaluate(TestSet.Load(dir), result.GetValue(json));
                    any = true;
                }

                if (!any)
                {
                    Console.Error.WriteLine("nothing to do: give image files, --index, --range or --evaluate (see --help)");
                    return 2;
                }

                return failed == 0 ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {TerminalText.Escape(e.Message)}");
                return 1;
            }
        });
        return root.Parse(args).Invoke();
    }

    /// <summary>
    /// Classifies each file, one line each: "path: label" on the output, or one error line naming the file and the
    /// reason (ImageFile: size and pixel limits from the header, truncation, a decode that cannot hang). Returns the
    /// number of files that could not be classified.
    /// </summary>
    private static int Classify(string[] files, ImageReadOptions limits)
    {
        int failed = 0;
        foreach (string path in files)
        {
            try
            {
                var image = ImageFile.ReadResized(path, FashionClassifier.InputHeight, FashionClassifier.InputWidth, 1, limits);
                if (image.Warning is { } warning)
                {
                    Console.Error.WriteLine($"warning: {TerminalText.Escape(path)}: {warning}");
                }

                Console.WriteLine($"{TerminalText.Escape(path)}: {TerminalText.Escape(FashionClassifier.PredictLabel(image.Pixels))}");
            }
            catch (ImageFileException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                failed++;
            }
        }

        return failed;
    }

    private static void Evaluate(TestSet test, string? jsonPath)
    {
        // Warm up for half a second so the timing reflects steady state: the first call allocates the arena, and the
        // JIT promotes the hot methods to optimised code only after a call count and a ~100 ms delay (Native AOT code
        // is optimised from the start, so a shorter warm-up would compare tier-0 JIT code with AOT code).
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; warmUp.ElapsedMilliseconds < 500; i = (i + 1) % test.Count)
        {
            FashionClassifier.Predict(test.Image(i));
        }

        int correct = 0;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < test.Count; i++)
        {
            if (FashionClassifier.Predict(test.Image(i)) == test.Labels[i])
            {
                correct++;
            }
        }

        watch.Stop();
        double accuracy = (double)correct / test.Count;
        double micros = watch.Elapsed.TotalMicroseconds / test.Count;
        Console.WriteLine($"accuracy {accuracy:P2} ({correct}/{test.Count}), {micros:F2} us per image");
        if (jsonPath is not null)
        {
            // Utf8JsonWriter needs no reflection, so the sample stays clean under Native AOT.
            using (var stream = File.Create(jsonPath + ".tmp"))
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream, new() { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("accuracy", accuracy);
                writer.WriteNumber("correct", correct);
                writer.WriteNumber("count", test.Count);
                writer.WriteNumber("us_per_image", micros);
                writer.WriteEndObject();
            }

            File.Move(jsonPath + ".tmp", jsonPath, overwrite: true);
        }
    }
}
