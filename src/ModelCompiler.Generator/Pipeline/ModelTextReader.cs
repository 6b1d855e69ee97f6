using ModelCompiler.Format;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>The single call into the shared <c>.qmodel</c> reader (linked from the Runtime; never a second parser).</summary>
public static class ModelTextReader
{
    /// <exception cref="QModelFormatException">The text is not a valid model.</exception>
    // TEMPORARY until the format branch (QModelReader) is merged: then this becomes `=> QModelReader.Read(text);`.
    public static QModel Read(string text) =>
        throw new QModelFormatException(QModelError.Syntax, 1, "this build of the generator has no .qmodel reader yet (" + text.Length + " characters not read)");
}
