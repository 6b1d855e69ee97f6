using ModelCompiler.Arithmetic;
using ModelCompiler.Format;
using ModelCompiler.Interpreter;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// The per-model rounding option (<c>rounding tflite</c>): the format field, the interpreter's conv and dense output
/// stages and its addition, on the hand-computed vectors of docs/arithmetic.md.
/// </summary>
public sealed class TfliteRoundingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheInterpreterGivesTheHandComputedOutputsOfEachRule(bool convolution)
    {
        var single = new ReferenceInterpreter(TfliteRoundingModels.Create(convolution, Rounding.Single)).Run(TfliteRoundingModels.Input);
        var tflite = new ReferenceInterpreter(TfliteRoundingModels.Create(convolution, Rounding.Tflite)).Run(TfliteRoundingModels.Input);
        Assert.Equal(TfliteRoundingModels.Cases.Select(c => c.Single), single.Int8Output!);
        Assert.Equal(TfliteRoundingModels.Cases.Select(c => c.Tflite), tflite.Int8Output!);
    }

    [Fact]
    public void TheRoundingFieldRoundTripsAndIsWrittenOnlyWhenNotTheDefault()
    {
        var model = TfliteRoundingModels.Create(convolution: false, Rounding.Tflite);
        string text = QModelWriter.Write(model);
        Assert.Contains("\ninput_quant scale=0.02 zero_point=-3\nrounding tflite\nlabels 5\n", text);
        var read = QModelReader.Read(text);
        Assert.Equal(Rounding.Tflite, read.Rounding);
        Assert.Equal(text, QModelWriter.Write(read));

        string single = QModelWriter.Write(TfliteRoundingModels.Create(convolution: false, Rounding.Single));
        Assert.DoesNotContain("rounding", single);
        Assert.Equal(Rounding.Single, QModelReader.Read(single).Rounding);
        // An explicit 'rounding single' means the default and re-writes without the line.
        var explicitSingle = QModelReader.Read(text.Replace("rounding tflite", "rounding single"));
        Assert.Equal(Rounding.Single, explicitSingle.Rounding);
        Assert.Equal(single, QModelWriter.Write(explicitSingle));
    }

    [Fact]
    public void AnUnknownRoundingIsAnInvalidAttributeAtItsLine()
    {
        string text = QModelWriter.Write(TfliteRoundingModels.Create(convolution: false, Rounding.Tflite)).Replace("rounding tflite", "rounding twice");
        var e = Assert.Throws<QModelFormatException>(() => QModelReader.Read(text));
        Assert.Equal(QModelError.InvalidAttribute, e.Code);
        Assert.Equal(text.Split('\n').ToList().IndexOf("rounding twice") + 1, e.Line);
        Assert.Contains("single|tflite", e.Message);
    }

    /// <summary>
    /// TFLite's per-tensor fully connected layer rounds <c>s_in * s_w</c> to float32 first (docs/arithmetic.md): the
    /// worked example's m becomes 1099511584 instead of 1099511562, TfliteRequantizer.LegacyMultiplier's value; the
    /// per-channel layers and the single rule keep the double product.
    /// </summary>
    [Fact]
    public void TflitePerTensorDenseUsesTheLegacyMultiplier()
    {
        Assert.Equal(new QuantizedMultiplier(1099511584, 40), RoundingRule.MultiplierFor(Rounding.Tflite, perTensorDense: true, 0.02f, 0.005f, 0.1f));
        Assert.Equal(new QuantizedMultiplier(1099511562, 40), RoundingRule.MultiplierFor(Rounding.Tflite, perTensorDense: false, 0.02f, 0.005f, 0.1f));
        Assert.Equal(new QuantizedMultiplier(1099511562, 40), RoundingRule.MultiplierFor(Rounding.Single, perTensorDense: true, 0.02f, 0.005f, 0.1f));
        var legacy = TfliteRequantizer.LegacyMultiplier(0.02f, 0.005f, 0.1f);
        Assert.Equal((1099511584, 40), (legacy.Multiplier, 31 - legacy.Shift));
        Assert.True(RoundingRule.IsPerTensor([0.5f, 0.5f, 0.5f]));
        Assert.False(RoundingRule.IsPerTensor([0.5f, 0.5f, 0.25f]));
    }

    /// <summary>
    /// The addition of docs/arithmetic.md ("Addition") with the inputs' signs swapped and s_out = 0.04f (M_out = 2^-20):
    /// a = (-56 + 3) * 2^20 / 2 = -27787264 exactly; b = 80 * 2^20 * M2 = 6291456.196, 6291456 in both rules (TFLite:
    /// 50331649.57 -> 50331650, / 8 = 6291456.25 -> 6291456); a + b = -20.5 * 2^20, which one rounding takes up to -20
    /// (y = -25) and TFLite's second rounding away from zero to -21 (y = -26).
    /// </summary>
    [Fact]
    public void AdditionRoundsTheHalfWayPointAsEachRuleDoes()
    {
        var multipliers = Int8Addition.MultipliersFor(0.02f, 0.003f, 0.04f);
        Assert.Equal(new QuantizedMultiplier(1 << 30, 50), multipliers.Output);
        Assert.Equal(-25, RoundingRule.Add(Rounding.Single, -56, -3, 90, 10, multipliers, -5, -128, 127));
        Assert.Equal(-26, RoundingRule.Add(Rounding.Tflite, -56, -3, 90, 10, multipliers, -5, -128, 127));
    }
}
