using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// Version 1 files read and mean what they meant before version 2 (graphs) existed: the committed version 1 models are
/// chains, re-write byte for byte as version 1, and the interpreter computes on them exactly what the interpreter of
/// main at 530903b (before this branch) computed; the same chain written as version 2 is the same model.
/// </summary>
public sealed class VersionOneFilesTests
{
    /// <summary>
    /// Each file with the digest of its outputs (<see cref="OutputDigest"/>) as main's interpreter at 530903b gave them,
    /// by the same code built against that commit's ModelCompiler.Runtime.
    /// </summary>
    public static TheoryData<string, string> Files => new()
    {
        { "samples/FashionClassifier/fashion.qmodel", "61C24E4765AFAA8245E5D7423ECE6CD2F4F5E47F8B1DFC9D474A73FD0842C699" },
        { "tests/ModelCompiler.Generator.ConsumerTests/Models/fashion-cnn.qmodel", "57DB740D8F91706EBB137C3FC820A20AE16F4E838698B1AD04CA0071BA2480BF" },
        { "tests/ModelCompiler.Generator.ConsumerTests/Models/tiny-stripes.qmodel", "DC020DD06007BFBA3D73E66CD27C32BC23C5BFF4E0938A21419AB01A5DD75DBB" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void VersionOneFileReadsRewritesAndComputesAsBefore(string file, string digestBeforeGraphs)
    {
        string text = File.ReadAllText(RepositoryFile(file)).Replace("\r\n", "\n");
        var model = QModelReader.Read(text);
        Assert.True(TensorChain.InferGraph(model).IsSequential);
        Assert.Equal(1, QModelWriter.FormatVersionOf(model));
        Assert.Equal(text, QModelWriter.Write(model));
        Assert.Equal(digestBeforeGraphs, OutputDigest(new ReferenceInterpreter(model)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void TheSameChainWrittenAsVersionTwoIsTheSameModel(string file, string digestBeforeGraphs)
    {
        string text = File.ReadAllText(RepositoryFile(file)).Replace("\r\n", "\n");
        string version2 = VersionTwoText.FromChain(text);
        Assert.StartsWith("qmodel 2\n", version2);
        var model = QModelReader.Read(version2);
        Assert.All(model.Layers, layer => Assert.Single(layer.Inputs));
        ModelDifference.AssertEqual(QModelReader.Read(text), model);
        Assert.Equal(text, QModelWriter.Write(model));
        Assert.Equal(digestBeforeGraphs, OutputDigest(new ReferenceInterpreter(model)));
    }

    /// <summary>
    /// SHA-256 over 12 inputs of random raw pixels (seed 20261202) of each output's argmax, int8 output (if any) and
    /// scores' float32 bits.
    /// </summary>
    private static string OutputDigest(ReferenceInterpreter interpreter)
    {
        var random = new Random(20261202);
        var pixels = new byte[interpreter.InputLength];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int n = 0; n < 12; n++)
        {
            random.NextBytes(pixels);
            var result = interpreter.Run((ReadOnlySpan<byte>)pixels);
            hash.AppendData(BitConverter.GetBytes(result.ArgMax));
            if (result.Int8Output is { } int8)
            {
                hash.AppendData(MemoryMarshal.AsBytes(int8.AsSpan()));
            }

            hash.AppendData(MemoryMarshal.AsBytes(result.Scores.AsSpan()));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, relative);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(relative + " not found above " + AppContext.BaseDirectory);
    }
}
