using CsCheck;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// The models <see cref="RandomModels"/> makes are ones the rest of the toolchain must handle: the reference
/// interpreter loads and runs every one of them, before and after a trip through the text format, with the same
/// result bit for bit (the format loses nothing the arithmetic depends on).
/// </summary>
public sealed class RandomModelsRunTests
{
    [Fact]
    public void InterpreterRunsRandomModelsIdenticallyAfterARoundTrip()
    {
        RandomModels.Valid.Sample(model =>
        {
            var pcg = new PCG(5, (ulong)model.Layers.Count);
            var pixels = new byte[model.InputShape.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)pcg.Next(256);
            }

            var before = new ReferenceInterpreter(model).Run(pixels);
            var after = new ReferenceInterpreter(QModelReader.Read(QModelWriter.Write(model))).Run(pixels);
            Assert.Equal(model.Labels.Count, before.Scores.Length);
            Assert.Equal(before.ArgMax, after.ArgMax);
            Assert.Equal(before.Int8Output, after.Int8Output);
            Assert.Equal(before.Scores.Select(BitConverter.SingleToInt32Bits), after.Scores.Select(BitConverter.SingleToInt32Bits));
        }, iter: 500);
    }

    [Fact]
    public void DocumentationExampleRuns()
    {
        var model = QModelReader.Read(MalformedModels.BaseText);
        byte[] stripes = [0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255];
        var result = new ReferenceInterpreter(model).Run(stripes);
        Assert.Equal(3, result.Probabilities.Length);
        Assert.InRange(result.Probabilities.Sum(), 0.999f, 1.001f);
        Assert.Equal(model.Labels[result.ArgMax], result.Label);
    }
}
