namespace ModelCompiler.Testing;

/// <summary>Rewrites of model texts between the format's versions, for tests of what a version means.</summary>
public static class VersionTwoText
{
    /// <summary>
    /// A version 1 text written as version 2: <c>qmodel 2</c>, and on every layer an <c>inputs</c> line naming the previous
    /// layer (the first: <c>input</c>), right after its <c>layer</c> line. Version 1's implicit chain made explicit, so
    /// both texts describe one model. A layer named <c>input</c> cannot be written so (version 2 reserves the name).
    /// </summary>
    public static string FromChain(string version1Text)
    {
        var lines = new List<string>();
        string previous = "input";
        foreach (string line in version1Text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line == "qmodel 1")
            {
                lines.Add("qmodel 2");
                continue;
            }

            lines.Add(line);
            if (line.StartsWith("layer ", StringComparison.Ordinal))
            {
                lines.Add("  inputs " + previous);
                previous = line.Split(' ')[1];
            }
        }

        return string.Join("\n", lines);
    }
}
