using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// One malformed <c>.qmodel</c> file: a small edit of <see cref="BaseText"/> (<see cref="MalformedModels.BaseText"/>
/// unless stated, or <see cref="MalformedModels.GraphBaseText"/>), the reader's error code and the line it names.
/// </summary>
public sealed record MalformedCase(string Name, Func<string[], string[]> Edit, QModelError Code, int Line)
{
    /// <summary>The valid text the case edits.</summary>
    public string BaseText { get; init; } = MalformedModels.BaseText;

    /// <summary>The edited text.</summary>
    public string Text => string.Join("\n", Edit(BaseText.Split('\n')));

    public override string ToString() => Name;
}

/// <summary>
/// The malformed-file suite: one malformed file per case, each made by a small edit of a valid base model (the same
/// model as the example in docs/qmodel-format.md), with the exact error code and line the reader must give. The
/// runtime reader's tests and the generator's tests (where each is a diagnostic QMC + code on that line) run the
/// same cases. Line numbers refer to the edited text; the base texts' numbers are in the comments on <see cref="BaseText"/>
/// (version 1) and <see cref="GraphBaseText"/> (version 2, the graph example of the same document).
/// </summary>
public static class MalformedModels
{
    /// <summary>
    /// Lines: 1 version, 2 name, 3 input, 4 preprocess, 5 input_quant, 6-9 labels, 10-13 provenance,
    /// 15-29 conv1 (23/24 weights, 25/26 weight_scales, 27/28 bias), 31-35 pool1, 37-39 flatten1,
    /// 41-52 fc1 (46/47 weights, 48/49 scales, 50/51 bias), 54-55 dequant1, 57-65 logits (61/62 weights, 63/64 bias),
    /// 67-68 probabilities.
    /// </summary>
    public const string BaseText = """
        qmodel 1
        name TinyStripes
        input 4 4 1 hwc
        preprocess scale=0.003921569 offset=0
        input_quant scale=0.003921569 zero_point=-128
        labels 3
          "dark"
          "light"
          "striped \"zebra\""
        provenance dataset "synthetic 4x4 stripes, 300 images"
        provenance trained_at "2026-11-28T09:00:00Z"
        provenance accuracy.float32 "0.973"
        provenance accuracy.int8 "0.967"

        layer conv1 conv2d
          precision int8
          filters 2
          kernel 3 3
          stride 1 1
          padding same
          activation relu
          output_quant scale=0.05 zero_point=-128
          weights int8 18
            ChQKAAAA9uz2+wAF+wAF+wAF
          weight_scales float32 2
            zcxMPArXozw=
          bias int32 2
            av///ygAAAA=
        end

        layer pool1 maxpool2d
          pool 2 2
          stride 2 2
          padding valid
        end

        layer flatten1 flatten
          order hwc
        end

        layer fc1 dense
          precision int8
          units 4
          activation relu6
          output_quant scale=0.0235 zero_point=-128
          weights int8 32
            18nEIPdtpnMZnnnfkpP7qHaZUMD7lFZHsT68SW2ciUU=
          weight_scales float32 4
            bxKDO0JgZTsK16M7J6CJOw==
          bias int32 4
            eAAAALD///8AAAAAIQAAAA==
        end

        layer dequant1 dequantize
        end

        layer logits dense
          precision float32
          units 3
          activation none
          weights float32 12
            ppvEvsuhRb8dWmS+BoF1P57vJ79GthM/I9sZv9nOFz+JQaC+cT1KvwaBdT/y0i0/
          bias float32 3
            zczMPc3MTL0AAAAA
        end

        layer probabilities softmax
        end
        """;

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

    /// <summary>Every case: its name, the edit of its base text, the reader's code and the line it names.</summary>
    public static readonly MalformedCase[] Cases =
    [
        new("wrong version", Set(1, "qmodel 3"), QModelError.UnsupportedVersion, 1),
        new("missing magic", Set(1, "model 1"), QModelError.UnsupportedVersion, 1),
        new("text after the version", Set(1, "qmodel 1 beta"), QModelError.UnsupportedVersion, 1),
        new("empty file", _ => [], QModelError.UnsupportedVersion, 1),
        new("missing name", Delete(2), QModelError.MissingField, 14),
        new("missing preprocess", Delete(4), QModelError.MissingField, 14),
        new("duplicate name", Insert(3, "name Other"), QModelError.DuplicateField, 3),
        new("duplicate attribute", Insert(18, "  filters 2"), QModelError.DuplicateField, 18),
        new("duplicate block", Insert(27, "  weight_scales float32 2", "    zcxMPArXozw="), QModelError.DuplicateField, 27),
        new("duplicate provenance key", Set(11, "provenance dataset \"again\""), QModelError.DuplicateField, 11),
        new("unknown header field", Insert(3, "author me"), QModelError.Syntax, 3),
        new("unknown rounding", Insert(3, "rounding double"), QModelError.InvalidAttribute, 3),
        new("rounding without a value", Insert(3, "rounding"), QModelError.Syntax, 3),
        new("duplicate rounding", Insert(3, "rounding tflite", "rounding single"), QModelError.DuplicateField, 4),
        new("header field after the layers", Insert(69, "name Late"), QModelError.Syntax, 69),
        new("bad indentation", Set(59, "   units 3"), QModelError.Syntax, 59),
        new("tab character", Set(59, "  units\t3"), QModelError.Syntax, 59),
        new("attribute the op does not have", Insert(33, "  activation relu"), QModelError.Syntax, 33),
        new("output_quant on a float layer", Insert(59, "  output_quant scale=0.1 zero_point=0"), QModelError.Syntax, 59),
        new("missing output_quant on an int8 layer", Delete(22), QModelError.MissingField, 15),
        new("missing block", Delete(63, 64), QModelError.MissingField, 57),
        new("shape does not chain (no flatten before dense)", Delete(37, 40), QModelError.ShapeMismatch, 37),
        new("int8 layer fed a float tensor", Delete(5), QModelError.ShapeMismatch, 14),
        new("weight count mismatch", Set(18, "  kernel 3 2"), QModelError.WeightCountMismatch, 15),
        new("per-channel block count mismatch", Set(43, "  units 3"), QModelError.WeightCountMismatch, 48),
        new("truncated base64", Set(24, "    ChQKAAAA9uz2+wAF"), QModelError.InvalidBase64, 23),
        new("invalid base64 character", Set(47, "    18nEIPdtpnMZnnnfkpP7qHaZUMD7lF*HsT68SW2ciUU="), QModelError.InvalidBase64, 47),
        new("non-canonical base64 bits", Set(26, "    zcxMPArXozx="), QModelError.InvalidBase64, 26),
        new("block larger than the file", Set(23, "  weights int8 60000000"), QModelError.InvalidBase64, 23),
        new("zero scale", Set(5, "input_quant scale=0 zero_point=-128"), QModelError.InvalidScale, 5),
        new("negative scale", Set(22, "  output_quant scale=-0.05 zero_point=-128"), QModelError.InvalidScale, 22),
        new("NaN scale", Set(45, "  output_quant scale=NaN zero_point=-128"), QModelError.InvalidScale, 45),
        new("infinite scale (overflowing literal)", Set(45, "  output_quant scale=1e39 zero_point=-128"), QModelError.InvalidScale, 45),
        new("zero weight scale in a block", Set(26, "    AAAAAArXozw="), QModelError.InvalidScale, 26),
        new("zero point out of range", Set(5, "input_quant scale=0.003921569 zero_point=128"), QModelError.InvalidZeroPoint, 5),
        new("zero point not an integer", Set(22, "  output_quant scale=0.05 zero_point=1.5"), QModelError.InvalidNumber, 22),
        new("non-finite preprocess offset", Set(4, "preprocess scale=0.003921569 offset=Infinity"), QModelError.NonFiniteValue, 4),
        new("NaN in a float32 block", Set(64, "    zczMPc3MTL0AAMB/"), QModelError.NonFiniteValue, 64),
        new("unknown op", Set(31, "layer pool1 maxpool3d"), QModelError.UnknownOp, 31),
        new("unknown precision", Set(16, "  precision int4"), QModelError.UnknownPrecision, 16),
        new("unknown padding", Set(34, "  padding full"), QModelError.InvalidAttribute, 34),
        new("unknown activation", Set(44, "  activation gelu"), QModelError.InvalidAttribute, 44),
        new("block type the precision does not use", Set(58, "  precision float16"), QModelError.BlockTypeMismatch, 61),
        new("unknown element type", Set(61, "  weights int4 12"), QModelError.BlockTypeMismatch, 61),
        new("absurd dimension that overflows an int", Set(3, "input 99999999999 4 1 hwc"), QModelError.InvalidDimension, 3),
        new("dimensions whose product overflows", Set(3, "input 16384 16384 16384 hwc"), QModelError.InvalidDimension, 3),
        new("absurd filter count", Set(17, "  filters 1000000000000000000000000"), QModelError.InvalidDimension, 17),
        new("zero stride", Set(19, "  stride 0 1"), QModelError.InvalidDimension, 19),
        new("65-digit filter count", Set(17, "  filters " + new string('9', 65)), QModelError.InvalidDimension, 17),
        new("65-digit negative stride", Set(19, "  stride -" + new string('9', 65) + " 1"), QModelError.InvalidDimension, 19),
        new("65-digit zero point", Set(5, "input_quant scale=0.003921569 zero_point=" + new string('9', 65)), QModelError.InvalidZeroPoint, 5),
        new("65-digit label count", Set(6, "labels " + new string('9', 65)), QModelError.InvalidLabel, 6),
        new("65-digit block count", Set(23, "  weights int8 " + new string('9', 65)), QModelError.InvalidDimension, 23),
        new("70 leading zeros are the number (filters 3, scales for 2)", Set(17, "  filters " + new string('0', 70) + "3"), QModelError.WeightCountMismatch, 25),
        new("70 leading zeros before an out-of-range zero point", Set(5, "input_quant scale=0.003921569 zero_point=" + new string('0', 70) + "128"), QModelError.InvalidZeroPoint, 5),
        new("65-digit integer with a letter is not an integer", Set(17, "  filters " + new string('9', 64) + "x"), QModelError.InvalidNumber, 17),
        new("CR-only line endings are one line", lines => [string.Join("\r", lines)], QModelError.UnsupportedVersion, 1),
        new("dimension not a number", Set(43, "  units four"), QModelError.InvalidNumber, 43),
        new("duplicate label", Set(8, "  \"dark\""), QModelError.InvalidLabel, 8),
        new("empty label", Set(8, "  \"\""), QModelError.InvalidLabel, 8),
        new("whitespace label", Set(8, "  \" \\t\""), QModelError.InvalidLabel, 8),
        new("fewer labels than declared", Set(6, "labels 4"), QModelError.InvalidLabel, 6),
        new("more labels than declared", Set(6, "labels 2"), QModelError.InvalidLabel, 9),
        new("zero labels", Set(6, "labels 0"), QModelError.InvalidLabel, 6),
        new("model name not an identifier", Set(2, "name 9Stripes"), QModelError.InvalidName, 2),
        new("model name with a non-ASCII letter", Set(2, "name Stripés"), QModelError.InvalidName, 2),
        new("layer name with a non-ASCII letter", Set(31, "layer poolé maxpool2d"), QModelError.InvalidLayerName, 31),
        new("non-ASCII character in an attribute", Set(32, "  pool 2 ２"), QModelError.Syntax, 32),
        new("C# keyword as model name", Set(2, "name class"), QModelError.InvalidName, 2),
        new("C# contextual keyword as model name", Set(2, "name var"), QModelError.InvalidName, 2),
        new("__arglist as model name", Set(2, "name __arglist"), QModelError.InvalidName, 2),
        new("-128 weight", Set(24, "    gBQKAAAA9uz2+wAF+wAF+wAF"), QModelError.WeightOutOfRange, 24),
        new("weight_bits 7 with a weight outside [-63, 63]", Insert(46, "  weight_bits 7"), QModelError.WeightOutsideDeclaredBits, 41),
        new("weight_bits other than 7 or 8", Insert(23, "  weight_bits 6"), QModelError.InvalidAttribute, 23),
        new("weight_bits not a number", Insert(23, "  weight_bits seven"), QModelError.InvalidNumber, 23),
        new("weight_bits on a float layer", Insert(60, "  weight_bits 7"), QModelError.Syntax, 60),
        new("weight_bits on a pool", Insert(33, "  weight_bits 7"), QModelError.Syntax, 33),
        new("weight_zero_point out of range", Insert(23, "  weight_zero_point 128"), QModelError.InvalidZeroPoint, 23),
        new("weight_zero_point not a number", Insert(23, "  weight_zero_point three"), QModelError.InvalidNumber, 23),
        new("weight_zero_point without a value", Insert(23, "  weight_zero_point"), QModelError.Syntax, 23),
        new("duplicate weight_zero_point", Insert(23, "  weight_zero_point 3", "  weight_zero_point 4"), QModelError.DuplicateField, 24),
        new("weight_zero_point with weight_bits 7", Insert(23, "  weight_bits 7", "  weight_zero_point 3"), QModelError.InvalidAttribute, 24),
        new("weight_zero_point on a float layer", Insert(60, "  weight_zero_point 3"), QModelError.Syntax, 60),
        new("weight_zero_point on a pool", Insert(33, "  weight_zero_point 3"), QModelError.Syntax, 33),
        new("-128 weight with weight_zero_point 0", Compose(Set(24, "    gBQKAAAA9uz2+wAF+wAF+wAF"), Insert(23, "  weight_zero_point 0")), QModelError.WeightOutOfRange, 25),
        new("negative padding", PadBeforeFlatten("  top_bottom -1 0", "  left_right 0 2"), QModelError.InvalidDimension, 38),
        new("absurd padding", PadBeforeFlatten("  top_bottom 1 0", "  left_right 0 99999"), QModelError.InvalidDimension, 39),
        new("padding not an integer", PadBeforeFlatten("  top_bottom 1 0", "  left_right one 0"), QModelError.InvalidNumber, 39),
        new("padding with one amount", PadBeforeFlatten("  top_bottom 1", "  left_right 0 2"), QModelError.Syntax, 38),
        new("pad without left_right", PadBeforeFlatten("  top_bottom 1 0"), QModelError.MissingField, 37),
        new("padded image too large", PadBeforeFlatten("  top_bottom 16384 0", "  left_right 0 0"), QModelError.InvalidDimension, 37),
        new("pad of a flat tensor", Insert(41, "layer pad1 pad", "  top_bottom 1 0", "  left_right 0 0", "end", ""), QModelError.ShapeMismatch, 41),
        new("accumulator overflow", Set(28, "    ////fygAAAA="), QModelError.AccumulatorOverflow, 15),
        new("softmax not last", Insert(67, "layer early softmax", "end", ""), QModelError.OutputMismatch, 67),
        new("output count does not match the labels", Compose(Delete(9), Set(6, "labels 2")), QModelError.OutputMismatch, 66),
        new("missing end at end of file", Delete(68), QModelError.UnexpectedEnd, 67),
        new("missing end before the next layer", Delete(29), QModelError.UnexpectedEnd, 30),
        new("bad string escape", Set(7, "  \"\\x41\""), QModelError.InvalidString, 7),
        new("unterminated string", Set(7, "  \"dark"), QModelError.InvalidString, 7),
        new("lone surrogate escape", Set(12, "provenance accuracy.float32 \"\\ud800\""), QModelError.InvalidString, 12),
        new("duplicate layer name", Set(31, "layer conv1 maxpool2d"), QModelError.InvalidLayerName, 31),
        new("layer name not an identifier", Set(31, "layer 1pool maxpool2d"), QModelError.InvalidLayerName, 31),
        new("no layers", lines => lines.Take(13).ToArray(), QModelError.EmptyModel, 13),

        // Version 2 ops and lines in a version 1 file.
        new("depthwise_conv2d in a version 1 file", Set(31, "layer pool1 depthwise_conv2d"), QModelError.UnknownOp, 31),
        new("add in a version 1 file", Set(31, "layer pool1 add"), QModelError.UnknownOp, 31),
        new("inputs line in a version 1 file", Insert(16, "  inputs input"), QModelError.Syntax, 16),

        // Graphs: edits of GraphBaseText.
        new("dangling reference", Set(70, "  inputs shortcut projection"), QModelError.DanglingReference, 70) { BaseText = GraphBaseText },
        new("reference that is not a name", Set(70, "  inputs shortcut 9x"), QModelError.DanglingReference, 70) { BaseText = GraphBaseText },
        new("forward reference", Set(46, "  inputs residual"), QModelError.ForwardReference, 46) { BaseText = GraphBaseText },
        new("layer reading itself", Set(46, "  inputs project"), QModelError.ForwardReference, 46) { BaseText = GraphBaseText },
        new("cycle of two layers", Set(30, "  inputs project"), QModelError.ForwardReference, 30) { BaseText = GraphBaseText },
        new("reference to the model output", Set(63, "  inputs probabilities"), QModelError.ForwardReference, 63) { BaseText = GraphBaseText },
        new("unused tensor", Set(70, "  inputs shortcut shortcut"), QModelError.UnusedTensor, 45) { BaseText = GraphBaseText },
        new("addition of different shapes", Set(63, "  inputs expand"), QModelError.ShapeMismatch, 69) { BaseText = GraphBaseText },
        new(
            "addition of an int8 and a float32 tensor",
            Compose(Insert(68, "layer deq dequantize", "  inputs shortcut", "end", ""), Set(74, "  inputs deq project")),
            QModelError.ShapeMismatch,
            73) { BaseText = GraphBaseText },
        new("addition of one tensor", Set(70, "  inputs shortcut"), QModelError.Syntax, 70) { BaseText = GraphBaseText },
        new("addition of three tensors", Set(70, "  inputs shortcut project dw"), QModelError.Syntax, 70) { BaseText = GraphBaseText },
        new("convolution of two tensors", Set(46, "  inputs dw expand"), QModelError.Syntax, 46) { BaseText = GraphBaseText },
        new("inputs without names", Set(46, "  inputs"), QModelError.Syntax, 46) { BaseText = GraphBaseText },
        new("missing inputs in version 2", Delete(46), QModelError.MissingField, 45) { BaseText = GraphBaseText },
        new("inputs given twice", Insert(47, "  inputs dw"), QModelError.DuplicateField, 47) { BaseText = GraphBaseText },
        new("int8 addition without output_quant", Delete(72), QModelError.MissingField, 69) { BaseText = GraphBaseText },
        new("layer named input", Set(62, "layer input avgpool2d"), QModelError.InvalidLayerName, 62) { BaseText = GraphBaseText },
        new("unknown ties", Insert(67, "  ties even"), QModelError.InvalidAttribute, 67) { BaseText = GraphBaseText },
        new("ties without a value", Insert(67, "  ties"), QModelError.Syntax, 67) { BaseText = GraphBaseText },
        new("duplicate ties", Insert(67, "  ties up", "  ties away"), QModelError.DuplicateField, 68) { BaseText = GraphBaseText },
        new("ties on a max pool", Insert(33, "  ties up"), QModelError.Syntax, 33),
        new("unknown layer rounding", Insert(16, "  rounding double"), QModelError.InvalidAttribute, 16),
        new("layer rounding without a value", Insert(16, "  rounding"), QModelError.Syntax, 16),
        new("duplicate layer rounding", Insert(16, "  rounding single", "  rounding tflite"), QModelError.DuplicateField, 17),
        new("layer rounding on a float layer", Insert(58, "  rounding single"), QModelError.Syntax, 58),
        new("layer rounding on a pool", Insert(32, "  rounding single"), QModelError.Syntax, 32),
        new("unknown rounding on an addition", Insert(70, "  rounding double"), QModelError.InvalidAttribute, 70) { BaseText = GraphBaseText },
        new("global pool rounding without output_quant", Insert(77, "  rounding tflite"), QModelError.InvalidAttribute, 75) { BaseText = GraphBaseText },
        new("unknown rounding on a rescaling global pool", Insert(77, "  output_quant scale=0.04 zero_point=-120", "  rounding double"), QModelError.InvalidAttribute, 78) { BaseText = GraphBaseText },
        new("global pool output_quant with a zero scale", Insert(77, "  output_quant scale=0 zero_point=-120"), QModelError.InvalidScale, 77) { BaseText = GraphBaseText },
        new("global pool output_quant zero point out of range", Insert(77, "  output_quant scale=0.04 zero_point=128"), QModelError.InvalidZeroPoint, 77) { BaseText = GraphBaseText },
        new("global pool output_quant without a zero point", Insert(77, "  output_quant scale=0.04"), QModelError.Syntax, 77) { BaseText = GraphBaseText },
        new("global pool output scale far below the input's", Insert(77, "  output_quant scale=0.0000001 zero_point=0"), QModelError.InvalidScale, 75) { BaseText = GraphBaseText },
        new(
            "global pool output_quant on a float32 input",
            Compose(Insert(74, "layer deq dequantize", "  inputs residual", "end", ""), Set(80, "  inputs deq"), Insert(81, "  output_quant scale=0.04 zero_point=-120")),
            QModelError.Syntax,
            79) { BaseText = GraphBaseText },
        new("inputs in a version 1 file", Set(1, "qmodel 1"), QModelError.Syntax, 13) { BaseText = GraphBaseText },
        new("depthwise weight count", Set(32, "  kernel 3 2"), QModelError.WeightCountMismatch, 29) { BaseText = GraphBaseText },
        new("depthwise scales and bias of different lengths", Compose(Set(39, "  weight_scales float32 3"), Set(40, "    pptEO5DCdTu8dJM7")), QModelError.WeightCountMismatch, 39) { BaseText = GraphBaseText },
        new(
            "depthwise channels other than its input's",
            Compose(Set(39, "  weight_scales float32 3"), Set(40, "    pptEO5DCdTu8dJM7"), Set(41, "  bias int32 3"), Set(42, "    k////7gAAAC2AAAA")),
            QModelError.WeightCountMismatch,
            29) { BaseText = GraphBaseText },
        new("depthwise accumulator overflow", Set(42, "    ////f7gAAAC2AAAAIP///w=="), QModelError.AccumulatorOverflow, 29) { BaseText = GraphBaseText },
        new("depthwise weight_bits 7 with a larger weight", Insert(37, "  weight_bits 7"), QModelError.WeightOutsideDeclaredBits, 29) { BaseText = GraphBaseText },
    ];

    /// <summary>The case of that name.</summary>
    public static MalformedCase Case(string name) => Cases.Single(c => c.Name == name);

    /// <summary>A pad layer with these attribute lines between pool1 and flatten1: its header becomes line 37.</summary>
    private static Func<string[], string[]> PadBeforeFlatten(params string[] attributes) =>
        Insert(37, ["layer pad1 pad", .. attributes, "end", ""]);

    /// <summary>Replaces 1-based line <paramref name="line"/>.</summary>
    public static Func<string[], string[]> Set(int line, string content) => lines =>
    {
        var copy = (string[])lines.Clone();
        copy[line - 1] = content;
        return copy;
    };

    /// <summary>Inserts lines so that the first becomes line <paramref name="line"/>.</summary>
    public static Func<string[], string[]> Insert(int line, params string[] inserted) => lines =>
        [.. lines.Take(line - 1), .. inserted, .. lines.Skip(line - 1)];

    /// <summary>Deletes lines <paramref name="first"/> to <paramref name="last"/> (1-based, inclusive).</summary>
    public static Func<string[], string[]> Delete(int first, int? last = null) => lines =>
        [.. lines.Take(first - 1), .. lines.Skip(last ?? first)];

    /// <summary>The edits one after the other.</summary>
    private static Func<string[], string[]> Compose(params Func<string[], string[]>[] edits) => lines => edits.Aggregate(lines, (text, edit) => edit(text));
}
