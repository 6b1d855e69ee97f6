using Microsoft.CodeAnalysis.Text;
using ModelCompiler.Generator.Format;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>
/// One <c>.qmodel</c> additional file as the pipeline sees it: its path, its text (null if unreadable), the namespace to
/// generate into, and the line of the first byte that is not UTF-8 (0 when the file is UTF-8, as the format requires).
/// </summary>
internal sealed record ModelSource(string Path, string? Text, string Namespace, int NotUtf8Line)
{
    /// <summary>
    /// The additional file's text as the build decoded it. A build decodes a file without a UTF-8 byte-order mark as
    /// UTF-8 when it can, else in a fallback encoding; UTF-16 and UTF-32 files by their mark. Any encoding but UTF-8
    /// gets the runtime reader's check (<see cref="Utf8Text.Decode"/>) on the file's bytes, rebuilt from the text.
    /// </summary>
    public static ModelSource From(string path, SourceText? text, string @namespace)
    {
        if (text is null)
        {
            return new ModelSource(path, null, @namespace, 0);
        }

        string content = text.ToString();
        int notUtf8Line = 0;
        if (text.Encoding is { } encoding && encoding.CodePage != 65001)
        {
            var preamble = encoding.GetPreamble();
            var body = encoding.GetBytes(content);
            var bytes = new byte[preamble.Length + body.Length];
            preamble.CopyTo(bytes, 0);
            body.CopyTo(bytes, preamble.Length);
            try
            {
                Utf8Text.Decode(bytes);
            }
            catch (QModelFormatException e)
            {
                notUtf8Line = e.Line;
            }
        }

        return new ModelSource(path, content, @namespace, notUtf8Line);
    }
}
