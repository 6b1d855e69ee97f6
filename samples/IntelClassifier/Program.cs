using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>
/// The seed's last step: classify scene photos (files, or a folder such as Kaggle's seg_pred) with the int8
/// model compiled in from intel.qmodel. The generated <see cref="IntelClassifier"/> does all the work.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: intel-classifier [--max-image-pixels N] [--max-image-bytes N] [--allow-truncated] <image or folder>...");
            Console.WriteLine($"Classifies {IntelClassifier.InputHeight}x{IntelClassifier.InputWidth} RGB scenes as: {string.Join(", ", IntelClassifier.Labels)}.");
            return args.Length == 0 ? 2 : 0;
        }

        if (!TryParse(args, out var limits, out var paths))
        {
            return 2;
        }

        // Folders are walked once each (links back up the tree are skipped and reported); every file is opened with
        // the limits, so each failure is one line naming the file, never a hang or a stack trace.
        var list = ImageFolderWalk.Expand(paths);
        int failures = list.Skipped.Count;
        foreach (var skipped in list.Skipped)
        {
            Console.Error.WriteLine($"skipped {TerminalText.Escape(skipped.Path)}: {TerminalText.Escape(skipped.Reason)}");
        }

        var pixels = new byte[IntelClassifier.InputLength];
        foreach (string path in list.Files)
        {
            try
            {
                var image = ImageFile.Read(path, 3, limits);
                image.ResizeTo(pixels, IntelClassifier.InputHeight, IntelClassifier.InputWidth);
                if (image.Warning is { } warning)
                {
                    Console.Error.WriteLine($"warning: {TerminalText.Escape(path)}: {warning}");
                }

                Console.WriteLine($"{TerminalText.Escape(path)}: {TerminalText.Escape(IntelClassifier.PredictLabel(pixels))}");
            }
            catch (ImageFileException e)
            {
                Console.Error.WriteLine($"skipped {e.Message}");
                failures++;
            }
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The limit options (docs/limits.md), then the paths.</summary>
    private static bool TryParse(string[] args, out ImageReadOptions limits, out List<string> paths)
    {
        limits = ImageReadOptions.Default;
        paths = [];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--allow-truncated")
            {
                limits = limits with { AllowTruncated = true };
            }
            else if (args[i] is "--max-image-pixels" or "--max-image-bytes")
            {
                if (i + 1 >= args.Length || !long.TryParse(args[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) || value < 1)
                {
                    Console.Error.WriteLine($"error: {args[i]} needs a positive whole number");
                    return false;
                }

                limits = args[i] == "--max-image-pixels" ? limits with { MaxPixels = value } : limits with { MaxFileBytes = value };
                i++;
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        return true;
    }
}
