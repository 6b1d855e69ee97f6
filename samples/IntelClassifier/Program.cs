using System.CommandLine;
using System.Globalization;
using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// The seed's scene classifier as a user runs it: label photos (the seed's last step, on Kaggle's seg_pred), or
/// measure the model on a labelled folder (seg_test). The int8 model is compiled in from intel.qmodel by the
/// generator, in the IntelClassifier.Model library: no interpreter and no model file at run time. The library also
/// holds the MobileNet-class graph of issue 12 (intel-mobilenet.qmodel), chosen with <c>--model mobilenet</c>.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos, or folders of photos, to label (e.g. Kaggle's seg_pred)", Arity = ArgumentArity.ZeroOrMore };
        var evaluate = new Option<string?>("--evaluate") { Description = "A folder with one sub-folder per class (e.g. seg_test): print accuracy, the confusion matrix and microseconds per photo" };
        var json = new Option<string?>("--json") { Description = "With --evaluate: also write the figures to this JSON file" };
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "With --evaluate: exit with 1 when the accuracy is below this fraction (e.g. 0.8), for scripts" };
        var sheet = new Option<string?>("--contact-sheet") { Description = "Also draw the photos with their predicted labels into this PNG" };
        var sheetSize = new Option<int>("--sheet-size") { Description = "At most this many photos on the contact sheet (evenly spread)", DefaultValueFactory = _ => 48 };
        var verify = new Option<string?>("--verify-interpreter")
        {
            Description = "The .qmodel compiled into this program: also run it through the reference interpreter and fail unless the compiled logits equal the interpreter's, bit for bit, on every photo",
        };
        var maxPixels = new Option<long>("--max-image-pixels") { Description = "Refuse images whose header declares more pixels (docs/limits.md)", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxPixels };
        var maxBytes = new Option<long>("--max-image-bytes") { Description = "Refuse image files larger than this", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxFileBytes };
        var modelKey = new Option<string>("--model")
        {
            Description = "The compiled model: cnn (the seed's CNN, intel.qmodel) or mobilenet (inverted residual blocks, intel-mobilenet.qmodel)",
            DefaultValueFactory = _ => SceneModel.Cnn.Key,
        };
        modelKey.AcceptOnlyFromAmong([.. SceneModel.All.Select(m => m.Key)]);
        var allowTruncated = new Option<bool>("--allow-truncated") { Description = "Classify truncated images as far as their data goes, with a warning, instead of refusing them" };
        var root = new RootCommand(
            $"Classify {SceneModel.Cnn.InputHeight}x{SceneModel.Cnn.InputWidth} scene photos as {string.Join(", ", SceneModel.Cnn.Labels)} with an int8 model compiled into this program (--model)")
        {
            photos, evaluate, json, minAccuracy, sheet, sheetSize, verify, modelKey, maxPixels, maxBytes, allowTruncated,
        };
        root.SetAction(result =>
        {
            try
            {
                var model = SceneModel.All.Single(m => m.Key == result.GetValue(modelKey));
                string? labelled = result.GetValue(evaluate);
                string[] unlabelled = result.GetValue(photos) ?? [];
                if ((labelled is null) == (unlabelled.Length == 0))
                {
                    Console.Error.WriteLine("give photos or folders to label, or --evaluate <folder with class sub-folders> (see --help)");
                    return 2;
                }

                var limits = new ImageReadOptions { MaxPixels = result.GetValue(maxPixels), MaxFileBytes = result.GetValue(maxBytes), AllowTruncated = result.GetValue(allowTruncated) };
                var skipped = new List<SkippedPath>();
                List<LabelledPhoto> listed;
                if (labelled is not null)
                {
                    listed = LabelledFolder.Read(labelled, model.Labels, skipped);
                }
                else
                {
                    var walk = PhotoFile.Expand(unlabelled);
                    skipped.AddRange(walk.Skipped);
                    listed = [.. walk.Files.Select(p => new LabelledPhoto(p, -1))];
                }

                var decoded = DecodedPhotos.Load(listed, model, limits);
                foreach (var path in skipped)
                {
                    Console.Error.WriteLine($"skipped {TerminalText.Escape(path.Path)}: {TerminalText.Escape(path.Reason)}");
                }

                foreach (string failure in decoded.Failures)
                {
                    Console.Error.WriteLine($"skipped {failure}");
                }

                foreach (string warning in decoded.Warnings)
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }

                if (decoded.Count == 0)
                {
                    Console.Error.WriteLine("no readable photos");
                    return 1;
                }

                int[] predictions = labelled is not null ? Evaluation.Run(model, labelled, decoded, Console.Out, result.GetValue(json)) : Label(model, decoded);
                if (result.GetValue(sheet) is { } sheetPath)
                {
                    var tiles = ContactSheet.Spread(decoded.Count, result.GetValue(sheetSize))
                        .Select(i => new SheetTile(
                            decoded.Image(i).ToArray(),
                            model.Labels[predictions[i]],
                            decoded.Photos[i].Label >= 0 ? model.Labels[decoded.Photos[i].Label] : null))
                        .ToList();
                    ContactSheet.Write(sheetPath, tiles, $"intel-classifier --model {model.Key}: {labelled ?? string.Join(" ", unlabelled)} ({tiles.Count} of {decoded.Count} photos)", model.InputWidth, model.InputHeight);
                    Console.WriteLine($"wrote {sheetPath}");
                }

                if (result.GetValue(verify) is { } qmodel)
                {
                    var differing = InterpreterCheck.Run(model, qmodel, decoded);
                    foreach (string path in differing)
                    {
                        Console.Error.WriteLine($"compiled code and reference interpreter differ on {TerminalText.Escape(path)}");
                    }

                    Console.WriteLine(differing.Count == 0
                        ? $"compiled code = reference interpreter ({qmodel}) on all {decoded.Count} photos, logits bit for bit"
                        : $"compiled code differs from the reference interpreter on {differing.Count} of {decoded.Count} photos");
                    if (differing.Count > 0)
                    {
                        return 1;
                    }
                }

                if (result.GetValue(minAccuracy) is { } floor && labelled is not null)
                {
                    int correct = Enumerable.Range(0, decoded.Count).Count(i => predictions[i] == decoded.Photos[i].Label);
                    if (correct < floor * decoded.Count)
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {(double)correct / decoded.Count:P2} is below --min-accuracy {floor:P2}"));
                        return 1;
                    }
                }

                return decoded.Failures.Count == 0 && skipped.Count == 0 ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException or ModelCompiler.Format.QModelFormatException)
            {
                Console.Error.WriteLine($"error: {TerminalText.Escape(e.Message)}");
                return 1;
            }
        });
        return root.Parse(args).Invoke();
    }

    /// <summary>The seed's last step: one line per photo with its label and the model's probability for it.</summary>
    private static int[] Label(SceneModel model, DecodedPhotos decoded)
    {
        var predictions = new int[decoded.Count];
        Span<float> probabilities = stackalloc float[model.ClassCount];
        for (int i = 0; i < decoded.Count; i++)
        {
            int best = predictions[i] = model.Predict(decoded.Image(i));
            model.PredictProbabilities(decoded.Image(i), probabilities);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{TerminalText.Escape(decoded.Photos[i].Path)}: {TerminalText.Escape(model.Labels[best])} ({probabilities[best]:P1})"));
        }

        return predictions;
    }
}
