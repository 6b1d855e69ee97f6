using System.Security.Cryptography;
using System.Text;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Generator.Tests;

/// <summary>The part of the reference interpreter's answer that compiled code must reproduce.</summary>
public sealed record OracleAnswer(int ArgMax, sbyte[]? Int8Output, float[] Scores)
{
    public static OracleAnswer Of(InferenceResult result) => new(result.ArgMax, result.Int8Output, result.Scores);
}

/// <summary>
/// The reference interpreter's answers to one bit-exactness check, kept on disk when <c>MODELCOMPILER_ORACLE_CACHE</c>
/// names a directory. CI runs the bit-exactness suites three times (every path, then with AVX-512 and with AVX2
/// disabled), and the interpreter, not the compiled code, takes most of that time, while its answers do not depend on
/// the instruction set. The key holds the model's text, the seed, the inputs themselves and the build of the Runtime
/// (its module version id), so an answer is reused only by the same interpreter on the same model and inputs.
/// </summary>
public static class OracleAnswers
{
    private static readonly string? Directory = Environment.GetEnvironmentVariable("MODELCOMPILER_ORACLE_CACHE") is { Length: > 0 } d ? d : null;

    public static OracleAnswer[] Get(QModel model, IReadOnlyList<float[]> floats, IReadOnlyList<byte[]> pixels, Func<OracleAnswer[]> compute) =>
        Get(Directory, model, floats, pixels, compute);

    /// <summary>The answers from <paramref name="directory"/> if this build stored them there, else computed (and stored).</summary>
    public static OracleAnswer[] Get(string? directory, QModel model, IReadOnlyList<float[]> floats, IReadOnlyList<byte[]> pixels, Func<OracleAnswer[]> compute)
    {
        if (directory is null)
        {
            return compute();
        }

        string path = Path.Combine(directory, Key(model, floats, pixels) + ".oracle");
        if (File.Exists(path))
        {
            return Read(path);
        }

        var answers = compute();
        System.IO.Directory.CreateDirectory(directory);
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        Write(temporary, answers);
        File.Move(temporary, path, overwrite: true);
        return answers;
    }

    private static string Key(QModel model, IReadOnlyList<float[]> floats, IReadOnlyList<byte[]> pixels)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(typeof(ReferenceInterpreter).Assembly.ManifestModule.ModuleVersionId.ToByteArray());
        hash.AppendData(Encoding.UTF8.GetBytes(QModelWriter.Write(model)));
        foreach (var x in floats)
        {
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
        }

        foreach (var p in pixels)
        {
            hash.AppendData(p);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Write(string path, OracleAnswer[] answers)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(answers.Length);
        foreach (var answer in answers)
        {
            writer.Write(answer.ArgMax);
            writer.Write(answer.Int8Output?.Length ?? -1);
            foreach (sbyte v in answer.Int8Output ?? [])
            {
                writer.Write(v);
            }

            writer.Write(answer.Scores.Length);
            foreach (float v in answer.Scores)
            {
                writer.Write(v);
            }
        }
    }

    private static OracleAnswer[] Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var answers = new OracleAnswer[reader.ReadInt32()];
        for (int i = 0; i < answers.Length; i++)
        {
            int argMax = reader.ReadInt32();
            int int8Length = reader.ReadInt32();
            sbyte[]? int8 = int8Length < 0 ? null : Enumerable.Range(0, int8Length).Select(_ => reader.ReadSByte()).ToArray();
            var scores = Enumerable.Range(0, reader.ReadInt32()).Select(_ => reader.ReadSingle()).ToArray();
            answers[i] = new OracleAnswer(argMax, int8, scores);
        }

        return answers;
    }
}
