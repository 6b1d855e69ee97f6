namespace ModelCompiler.Import.Mapping;

/// <summary>
/// Class labels for an imported model: read from a text file (one label per line, as TensorFlow's label files are)
/// or made up (<c>class_0</c>, ...). The format needs non-empty, unique labels; ImageNet's list names "crane" twice
/// (the bird and the machine), so a repeated label gets its occurrence appended (<c>crane (2)</c>) and a note says so.
/// </summary>
public static class ClassLabels
{
    /// <summary>Reads one label per line (UTF-8; CR before LF dropped; trailing blank lines ignored).</summary>
    /// <exception cref="InvalidDataException">A blank label in the middle, or no label at all; the message names the file and line.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Trim().Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count == 0)
        {
            throw new InvalidDataException($"{path}: no labels (expected one label per line)");
        }

        int blank = lines.FindIndex(l => l.Trim().Length == 0);
        if (blank >= 0)
        {
            throw new InvalidDataException($"{path}: line {blank + 1}: empty label");
        }

        return lines;
    }

    /// <summary>
    /// The labels for a model with <paramref name="classes"/> outputs: <paramref name="given"/> made unique, or made up.
    /// </summary>
    /// <exception cref="InvalidDataException">The given list has another length than the model's output.</exception>
    public static IReadOnlyList<string> For(int classes, IReadOnlyList<string>? given, ImportReport report)
    {
        if (given is null)
        {
            report.Note($"labels: none given, named class_0 to class_{classes - 1}");
            return Enumerable.Range(0, classes).Select(i => $"class_{i}").ToArray();
        }

        if (given.Count != classes)
        {
            throw new InvalidDataException($"the labels list {given.Count} classes but the model outputs {classes}");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<string>(given, StringComparer.Ordinal);
        var labels = new string[classes];
        for (int i = 0; i < classes; i++)
        {
            string label = given[i];
            int occurrence = seen[label] = seen.GetValueOrDefault(label) + 1;
            if (occurrence > 1)
            {
                string unique = $"{label} ({occurrence})";
                while (!taken.Add(unique))
                {
                    unique += "'";
                }

                report.Note($"labels: class {i} repeats \"{label}\"; named \"{unique}\"");
                label = unique;
            }

            labels[i] = label;
        }

        return labels;
    }
}
