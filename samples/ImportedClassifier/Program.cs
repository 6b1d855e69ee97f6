using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using ModelCompiler.Format;
using ModelCompiler.Imaging;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Samples.Imported;

/// <summary>
/// "Bring your own model": labels photographs with TensorFlow's int8 MobileNetV2 (1001 ImageNet classes), imported
/// from its .tflite file and compiled into the generated <see cref="MobileNetV2"/> class at build time. No TFLite,
/// no interpreter and no model file at run time.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var photos = new Argument<string[]>("photos") { Description = "Photos, or folders of photos, to label", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "Also print this many most likely classes per photo (0: the label only)", DefaultValueFactory = _ => 5 };
        top.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > MobileNetV2.ClassCount)
            {
                r.AddError($"--top must be between 0 and {MobileNetV2.ClassCount}");
            }
        });
        var verify = new Option<string?>("--verify-interpreter")
        {
            Description = "The .qmodel compiled into this program (obj/mobilenet-v2.qmodel of ImportedClassifier.Model): also run it through the reference interpreter and fail unless the logits agree bit for bit on every photo",
        };
        var maxPixels = new Option<long>("--max-image-pixels") { Description = "Refuse images whose header declares more pixels (docs/limits.md)", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxPixels };
        var maxBytes = new Option<long>("--max-image-bytes") { Description = "Refuse image files larger than this", DefaultValueFactory = _ => ImageReadOptions.DefaultMaxFileBytes };
        var root = new RootCommand(
            $"Label photos with TensorFlow's MobileNetV2 ({MobileNetV2.ClassCount} classes, {MobileNetV2.InputHeight}x{MobileNetV2.InputWidth} RGB), imported from .tflite and compiled into int8 C#")
        {
            photos, top, verify, maxPixels, maxBytes,
        };
        root.SetAction(result =>
        {
            try
            {
                var limits = new ImageReadOptions { MaxPixels = result.GetValue(maxPixels), MaxFileBytes = result.GetValue(maxBytes) };
                var walk = ImageFolderWalk.Expand(result.GetValue(photos)!);
                int problems = 0;
                foreach (var skipped in walk.Skipped)
                {
                    Console.Error.WriteLine($"skipped {TerminalText.Escape(skipped.Path)}: {TerminalText.Escape(skipped.Reason)}");
                    problems++;
                }

                var interpreter = result.GetValue(verify) is { } qmodel ? OpenInterpreter(qmodel) : null;
                var pixels = new byte[MobileNetV2.InputLength];
                var probabilities = new float[MobileNetV2.ClassCount];
                int differing = 0;
                foreach (string path in walk.Files)
                {
                    try
                    {
                        // The model's own input: RGB resized to 224x224 without a crop (tests/models/tflite/README.md).
                        var image = ImageFile.Read(path, 3, limits);
                        image.ResizeTo(pixels, MobileNetV2.InputHeight, MobileNetV2.InputWidth);
                        if (image.Warning is { } warning)
                        {
                            Console.Error.WriteLine($"warning: {TerminalText.Escape(warning)}");
                        }
                    }
                    catch (ImageFileException e)
                    {
                        Console.Error.WriteLine($"skipped {TerminalText.Escape(e.Message)}");
                        problems++;
                        continue;
                    }

                    MobileNetV2.PredictProbabilities(pixels, probabilities);
                    Print(path, probabilities, result.GetValue(top));
                    if (interpreter is not null && !SameLogits(interpreter, pixels))
                    {
                        Console.Error.WriteLine($"compiled code and reference interpreter differ on {TerminalText.Escape(path)}");
                        differing++;
                    }
                }

                if (interpreter is not null)
                {
                    Console.WriteLine(differing == 0
                        ? $"compiled code = reference interpreter on all {walk.Files.Count} photos, logits bit for bit"
                        : $"compiled code differs from the reference interpreter on {differing} photos");
                }

                return problems == 0 && differing == 0 && walk.Files.Count > 0 ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or QModelFormatException)
            {
                Console.Error.WriteLine($"error: {TerminalText.Escape(e.Message)}");
                return 1;
            }
        });
        return root.Parse(args).Invoke();
    }

    /// <summary>The photo's label with its probability, then the <paramref name="top"/> most likely classes.</summary>
    private static void Print(string path, float[] probabilities, int top)
    {
        int[] order = [.. Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).ThenBy(i => i)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{TerminalText.Escape(path)}: {MobileNetV2.Labels[order[0]]} ({probabilities[order[0]]:P1})"));
        for (int rank = 0; rank < top; rank++)
        {
            int c = order[rank];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {rank + 1}. {MobileNetV2.Labels[c]} ({probabilities[c]:P1}, class {c})"));
        }
    }

    private static ReferenceInterpreter OpenInterpreter(string qmodelPath)
    {
        var model = ModelCompiler.IO.QModelFile.Read(qmodelPath);
        if (model.Name != nameof(MobileNetV2) || model.InputShape.Length != MobileNetV2.InputLength || model.Labels.Count != MobileNetV2.ClassCount)
        {
            throw new InvalidDataException($"{qmodelPath} is model '{model.Name}' with {model.InputShape.Length} inputs, not the MobileNetV2 compiled into this program");
        }

        return new ReferenceInterpreter(model);
    }

    private static bool SameLogits(ReferenceInterpreter interpreter, byte[] pixels)
    {
        var logits = new float[MobileNetV2.ClassCount];
        MobileNetV2.PredictLogits(pixels, logits);
        float[] expected = interpreter.Run(pixels).Scores;
        return MemoryMarshal.AsBytes(logits.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected.AsSpan()));
    }
}
