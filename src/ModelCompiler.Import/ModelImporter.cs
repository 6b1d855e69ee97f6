using ModelCompiler.Import.Onnx;
using ModelCompiler.Import.Tflite;
using ModelCompiler.Import.Validation;

namespace ModelCompiler.Import;

/// <summary>
/// Reads a TFLite or ONNX classifier into a validated <see cref="SourceModel"/>, or throws
/// <see cref="ModelImportException"/> listing every problem. The format is recognised by content (a TFLite file
/// carries <c>TFL3</c> at byte 4), else by the <c>.tflite</c> extension; anything else is read as ONNX.
/// </summary>
public static class ModelImporter
{
    /// <summary>Largest model file read (1 GiB; the largest classifiers this project targets are a few MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <exception cref="ModelImportException">The model cannot be imported; the exception lists why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SourceModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new ModelImportException(path, [new ImportProblem("file", null, $"{length} bytes; models up to {MaxFileBytes} bytes are read")]);
        }

        bool tflite = path.EndsWith(".tflite", StringComparison.OrdinalIgnoreCase);
        return Read(File.ReadAllBytes(path), path, tflite);
    }

    /// <summary>Reads a model from memory; <paramref name="sourceName"/> names it in errors.</summary>
    public static SourceModel Read(byte[] data, string sourceName, bool tfliteByName = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var problems = new ImportProblems();
        var model = TfliteReader.LooksLikeTflite(data) || tfliteByName
            ? TfliteReader.Read(data, sourceName, problems)
            : OnnxReader.Read(data, sourceName, problems);
        SourceModelValidator.Validate(model, problems);
        problems.ThrowIfAny(sourceName);
        return model;
    }
}
