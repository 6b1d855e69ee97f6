using ModelCompiler.Testing;

namespace ModelCompiler.Generator.Tests;

public sealed class OracleAnswersTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "oracle-answers-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void StoredAnswersComeBackBitForBitAndOnlyForTheSameModelAndInputs()
    {
        var model = new TestModels(7).RandomInt8();
        float[][] floats = [[0.5f, float.NaN], [-0f, 1e30f]];
        byte[][] pixels = [[1, 2], [3, 4]];
        OracleAnswer[] computed =
        [
            new(1, [-128, 127], [BitConverter.Int32BitsToSingle(0x7FC00001), -0f]),
            new(0, null, [float.PositiveInfinity, 1.5f]),
        ];
        int computations = 0;
        OracleAnswer[] Compute()
        {
            computations++;
            return computed;
        }

        OracleAnswers.Get(_directory, model, floats, pixels, Compute);
        var stored = OracleAnswers.Get(_directory, model, floats, pixels, Compute);

        Assert.Equal(1, computations);
        Assert.Equal(computed.Length, stored.Length);
        for (int i = 0; i < computed.Length; i++)
        {
            Assert.Equal(computed[i].ArgMax, stored[i].ArgMax);
            Assert.Equal(computed[i].Int8Output, stored[i].Int8Output);
            Assert.Equal(computed[i].Scores.Select(BitConverter.SingleToInt32Bits), stored[i].Scores.Select(BitConverter.SingleToInt32Bits));
        }

        pixels[1][0] = 5;
        OracleAnswers.Get(_directory, model, floats, pixels, Compute);
        Assert.Equal(2, computations);
        OracleAnswers.Get(_directory, new TestModels(8).RandomInt8(), floats, pixels, Compute);
        Assert.Equal(3, computations);
        OracleAnswers.Get(null, model, floats, pixels, Compute);
        Assert.Equal(4, computations);
    }
}
