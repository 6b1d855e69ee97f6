namespace ModelCompiler.Imaging;

/// <summary>A file or folder a walk did not take, and why.</summary>
public readonly record struct SkippedPath(string Path, string Reason);

/// <summary>The image files a walk found, in walk order, and what it skipped.</summary>
public sealed record ImageFileList(IReadOnlyList<string> Files, IReadOnlyList<SkippedPath> Skipped);

/// <summary>
/// Turns command-line arguments (files and folders) into the image files to open. A file is taken whatever its
/// name (opening it decides); a folder is walked with its sub-folders for files with an image extension
/// (<see cref="ImageFormats.Extensions"/>), in ordinal order. Symbolic links to folders are followed, but every folder
/// is walked once: a link back to a folder being walked (a cycle) or to one already walked is skipped and reported,
/// as are link loops, unlistable folders and folders more than <see cref="MaxDepth"/> levels down.
/// </summary>
public static class ImageFolderWalk
{
    /// <summary>Deepest folder walked below an argument; a backstop for cycles no link reveals (bind mounts).</summary>
    public const int MaxDepth = 64;

    /// <summary>Symbolic links followed while resolving one path before it counts as a loop (Linux's limit).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>The image files <paramref name="paths"/> name or contain, and what was skipped on the way.</summary>
    public static ImageFileList Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var skipped = new List<SkippedPath>();
        var walked = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                files.Add(path);
            }
            else if (RealPath(path) is not { } real)
            {
                skipped.Add(new SkippedPath(path, "a symbolic link loop"));
            }
            else if (walked.TryGetValue(real, out string? first))
            {
                skipped.Add(new SkippedPath(path, $"the same folder as {first}, already walked"));
            }
            else
            {
                Walk(path, real, 0, files, skipped, walked, []);
            }
        }

        return new ImageFileList(files, skipped);
    }

    private static void Walk(string folder, string real, int depth, List<string> files, List<SkippedPath> skipped, Dictionary<string, string> walked, HashSet<string> ancestors)
    {
        walked[real] = folder;
        ancestors.Add(real);
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedPath(folder, e is UnauthorizedAccessException ? "cannot list this folder: permission denied" : $"cannot list this folder: {e.Message}"));
            ancestors.Remove(real);
            return;
        }

        Array.Sort(entries, StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            if (!Directory.Exists(entry))
            {
                if (ImageFormats.HasImageExtension(entry))
                {
                    files.Add(entry);
                }

                continue;
            }

            bool link = new FileInfo(entry).LinkTarget is not null;
            string? sub = link ? RealPath(entry) : Path.Join(real, Path.GetFileName(entry));
            if (sub is null)
            {
                skipped.Add(new SkippedPath(entry, "a symbolic link loop"));
            }
            else if (ancestors.Contains(sub))
            {
                skipped.Add(new SkippedPath(entry, $"a symbolic link back to {walked[sub]}, which contains it (a cycle); not followed"));
            }
            else if (walked.TryGetValue(sub, out string? first))
            {
                skipped.Add(new SkippedPath(entry, $"the same folder as {first}, already walked; not followed"));
            }
            else if (depth + 1 > MaxDepth)
            {
                skipped.Add(new SkippedPath(entry, $"more than {MaxDepth} folders deep; not walked"));
            }
            else
            {
                Walk(entry, sub, depth + 1, files, skipped, walked, ancestors);
            }
        }

        ancestors.Remove(real);
    }

    /// <summary>
    /// The path with every symbolic link resolved, component by component as realpath(3) does (so ".." after a
    /// link means the link target's parent), or null for a link loop.
    /// </summary>
    internal static string? RealPath(string path)
    {
        // Not Path.GetFullPath: it removes "x/.." before x is known to be a link.
        string full = Path.IsPathRooted(path) ? path : Path.Join(Directory.GetCurrentDirectory(), path);
        string root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(Components(full[root.Length..]).Reverse());
        string current = root;
        int hops = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            string next = Path.Join(current, part);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? root;
                target = target[current.Length..];
            }

            foreach (string component in Components(target).Reverse())
            {
                pending.Push(component);
            }
        }

        return current;
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split(['/', Path.DirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".");
}
