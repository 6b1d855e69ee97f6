using ModelCompiler.Format;

namespace ModelCompiler.Generator.Pipeline;

/// <summary>The single call into the shared <c>.qmodel</c> reader (linked from the Runtime; never a second parser).</summary>
public static class ModelTextReader
{
    /// <exception cref="QModelFormatException">The text is not a valid model.</exception>
    public static QModel Read(string text) => QModelReader.Read(text);
}
