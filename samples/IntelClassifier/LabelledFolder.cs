using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Samples.Intel;

/// <summary>A photo and the index of its class among the model's labels (-1: unknown).</summary>
internal readonly record struct LabelledPhoto(string Path, int Label);

/// <summary>
/// A folder with one sub-folder per class, named as the model's labels (Kaggle's seg_test/buildings/*.jpg, ...).
/// Sub-folders that are not a label are an error naming them, rather than silently counted wrong.
/// </summary>
internal static class LabelledFolder
{
    /// <summary>The photos of each class sub-folder; <paramref name="skipped"/> gets what the walk did not take.</summary>
    public static List<LabelledPhoto> Read(string folder, IReadOnlyList<string> labels, List<SkippedPath> skipped)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{TerminalText.Escape(folder)} is not a folder");
        }

        var subFolders = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).ToArray();
        var unknown = subFolders.Select(Path.GetFileName).Where(name => !labels.Contains(name!)).ToArray();
        if (subFolders.Length == 0 || unknown.Length > 0)
        {
            throw new InvalidDataException(
                $"{TerminalText.Escape(folder)} must hold one sub-folder per class named {string.Join(", ", labels.Select(TerminalText.Escape))}" +
                (unknown.Length > 0 ? $"; not a class: {string.Join(", ", unknown.Select(u => TerminalText.Escape(u!)))}" : "; it has none"));
        }

        var photos = new List<LabelledPhoto>();
        foreach (string sub in subFolders)
        {
            int label = labels.ToList().IndexOf(Path.GetFileName(sub));
            var walk = PhotoFile.Expand([sub]);
            photos.AddRange(walk.Files.Select(path => new LabelledPhoto(path, label)));
            skipped.AddRange(walk.Skipped);
        }

        return photos.Count > 0 ? photos : throw new InvalidDataException($"{TerminalText.Escape(folder)} holds no photos");
    }
}
