using ModelCompiler.Format;
using static ModelCompiler.Runtime.Tests.MalformedModelTests;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// The malformed suite for version 2 files: each case is a small edit of <see cref="GraphBaseText"/> (the graph example
/// in docs/qmodel-format.md) or of the version 1 base text, with the exact error code and line.
/// </summary>
public sealed class MalformedGraphTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>
    /// Lines: 1 version, 2 name, 3 input, 4 preprocess, 5 input_quant, 6-9 labels, 10 provenance,
    /// 12-27 expand (13 inputs; 21/22 weights, 23/24 scales, 25/26 bias), 29-43 dw (30 inputs, 32 kernel; 37/38 weights,
    /// 39/40 scales, 41/42 bias), 45-60 project (46 inputs), 62-67 shortcut (63 inputs), 69-73 residual (70 inputs,
    /// 72 output_quant), 75-77 pool (76 inputs), 79-91 logits (80 inputs), 93-95 probabilities (94 inputs).
    /// </summary>
    public const string GraphBaseText = """
        qmodel 2
        name TinyResidual
        input 4 4 2 hwc
        preprocess scale=0.003921569 offset=0
        input_quant scale=0.003921569 zero_point=-128
        labels 3
          "dark"
          "light"
          "striped"
        provenance note "hand-made example of a version 2 graph"

        layer expand conv2d
          inputs input
          precision int8
          filters 4
          kernel 1 1
          stride 1 1
          padding valid
          activation relu6
          output_quant scale=0.025 zero_point=-128
          weights int8 8
            fteonyCMyfY=
          weight_scales float32 4
            bxKDOwvXozumm8Q7QmDlOw==
          bias int32 4
            6f///3cAAAAj////yQAAAA==
        end

        layer dw depthwise_conv2d
          inputs expand
          precision int8
          kernel 3 3
          stride 2 2
          padding same
          activation relu6
          output_quant scale=0.025 zero_point=-128
          weights int8 36
            YTbiBmjwgXbpSoa6YL/BoFw/Hh2gylXJeA/mRTeNfCK83ewl
          weight_scales float32 4
            pptEO5DCdTu8dJM7MQisOw==
          bias int32 4
            k////7gAAAC2AAAAIP///w==
        end

        layer project conv2d
          inputs dw
          precision int8
          filters 2
          kernel 1 1
          stride 1 1
          padding valid
          activation none
          output_quant scale=0.04 zero_point=3
          weights int8 8
            124ZtNJuv+E=
          weight_scales float32 2
            CtejO8zMzDs=
          bias int32 2
            sAAAADP///8=
        end

        layer shortcut avgpool2d
          inputs input
          pool 2 2
          stride 2 2
          padding valid
        end

        layer residual add
          inputs shortcut project
          activation relu
          output_quant scale=0.05 zero_point=-128
        end

        layer pool global_avgpool
          inputs residual
        end

        layer logits dense
          inputs pool
          precision int8
          units 3
          activation none
          output_quant scale=0.1 zero_point=0
          weights int8 6
            GjeVBTYY
          weight_scales float32 3
            CtcjPMzMTDyPwnU8
          bias int32 3
            4wAAAA////8gAAAA
        end

        layer probabilities softmax
          inputs logits
        end
        """;

    private static readonly MalformedCase[] Cases =
    [
        new("dangling reference", Set(70, "  inputs shortcut projection"), QModelError.DanglingReference, 70),
        new("reference that is not a name", Set(70, "  inputs shortcut 9x"), QModelError.DanglingReference, 70),
        new("forward reference", Set(46, "  inputs residual"), QModelError.ForwardReference, 46),
        new("layer reading itself", Set(46, "  inputs project"), QModelError.ForwardReference, 46),
        new("cycle of two layers", Set(30, "  inputs project"), QModelError.ForwardReference, 30),
        new("reference to the model output", Set(63, "  inputs probabilities"), QModelError.ForwardReference, 63),
        new("unused tensor", Set(70, "  inputs shortcut shortcut"), QModelError.UnusedTensor, 45),
        new("addition of different shapes", Set(63, "  inputs expand"), QModelError.ShapeMismatch, 69),
        new(
            "addition of an int8 and a float32 tensor",
            Compose(Insert(68, "layer deq dequantize", "  inputs shortcut", "end", ""), Set(74, "  inputs deq project")),
            QModelError.ShapeMismatch,
            73),
        new("addition of one tensor", Set(70, "  inputs shortcut"), QModelError.Syntax, 70),
        new("addition of three tensors", Set(70, "  inputs shortcut project dw"), QModelError.Syntax, 70),
        new("convolution of two tensors", Set(46, "  inputs dw expand"), QModelError.Syntax, 46),
        new("inputs without names", Set(46, "  inputs"), QModelError.Syntax, 46),
        new("missing inputs in version 2", Delete(46), QModelError.MissingField, 45),
        new("inputs given twice", Insert(47, "  inputs dw"), QModelError.DuplicateField, 47),
        new("int8 addition without output_quant", Delete(72), QModelError.MissingField, 69),
        new("layer named input", Set(62, "layer input avgpool2d"), QModelError.InvalidLayerName, 62),
        new("inputs in a version 1 file", Set(1, "qmodel 1"), QModelError.Syntax, 13),
        new("depthwise weight count", Set(32, "  kernel 3 2"), QModelError.WeightCountMismatch, 29),
        new("depthwise scales and bias of different lengths", Compose(Set(39, "  weight_scales float32 3"), Set(40, "    pptEO5DCdTu8dJM7")), QModelError.WeightCountMismatch, 39),
        new(
            "depthwise channels other than its input's",
            Compose(Set(39, "  weight_scales float32 3"), Set(40, "    pptEO5DCdTu8dJM7"), Set(41, "  bias int32 3"), Set(42, "    k////7gAAAC2AAAA")),
            QModelError.WeightCountMismatch,
            29),
        new("depthwise accumulator overflow", Set(42, "    ////f7gAAAC2AAAAIP///w=="), QModelError.AccumulatorOverflow, 29),
        new("depthwise weight_bits 7 with a larger weight", Insert(37, "  weight_bits 7"), QModelError.WeightOutsideDeclaredBits, 29),
    ];

    /// <summary>Edits of the version 1 base text.</summary>
    private static readonly MalformedCase[] VersionOneCases =
    [
        new("depthwise_conv2d in a version 1 file", Set(31, "layer pool1 depthwise_conv2d"), QModelError.UnknownOp, 31),
        new("add in a version 1 file", Set(31, "layer pool1 add"), QModelError.UnknownOp, 31),
        new("inputs line in a version 1 file", Insert(16, "  inputs input"), QModelError.Syntax, 16),
    ];

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases.Concat(VersionOneCases))
        {
            names.Add(c.Name);
        }

        return names;
    }

    [Fact]
    public void BaseTextIsValid() => Assert.False(TensorChain.InferGraph(QModelReader.Read(GraphBaseText)).IsSequential);

    [Fact]
    public void CaseNamesAreDistinct() => Assert.Equal(Cases.Length + VersionOneCases.Length, Cases.Concat(VersionOneCases).Select(c => c.Name).Distinct().Count());

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReportsCodeAndLine(string name)
    {
        var c = Cases.SingleOrDefault(x => x.Name == name);
        string baseText = c is null ? BaseText : GraphBaseText;
        c ??= VersionOneCases.Single(x => x.Name == name);
        string text = string.Join("\n", c.Edit(baseText.Split('\n')));
        var error = Assert.Throws<QModelFormatException>(() => QModelReader.Read(text));
        output.WriteLine(error.Message);
        Assert.True(
            (c.Code, c.Line) == (error.Code, error.Line),
            $"expected {c.Code} at line {c.Line}, got {error.Message}");
        Assert.StartsWith($"QM{(int)c.Code:000} line {c.Line}: ", error.Message);
    }
}
