namespace ModelCompiler.Format;

/// <summary>
/// Stable error codes of the <c>.qmodel</c> reader. The numbers never change meaning; new codes are appended.
/// The generator reports code N as diagnostic <c>QMC{N:0000}</c>; <see cref="QModelFormatException.CodeText"/> is <c>QM{N:000}</c>.
/// </summary>
public enum QModelError
{
    /// <summary>The first line is not <c>qmodel 1</c> or <c>qmodel 2</c> (missing magic, or an unsupported version).</summary>
    UnsupportedVersion = 1,
    /// <summary>A line that the grammar does not allow here (unknown key, stray text, bad indentation).</summary>
    Syntax = 2,
    /// <summary>A required field is absent.</summary>
    MissingField = 3,
    /// <summary>A field appears twice.</summary>
    DuplicateField = 4,
    /// <summary>A token that is not a number where the field needs one (e.g. <c>four</c>, <c>1.5</c> for an integer, <c>0x10</c>).</summary>
    InvalidNumber = 5,
    /// <summary>The model name is not a C# identifier, or is a C# keyword (reserved or contextual).</summary>
    InvalidName = 6,
    /// <summary>A label is empty, only whitespace or repeated, or the label lines do not match the declared count (or it is outside [1, 65536]).</summary>
    InvalidLabel = 7,
    /// <summary>A quantization or weight scale that is zero, negative, denormal, NaN or infinite; or a preprocess scale that is zero or not finite.</summary>
    InvalidScale = 8,
    /// <summary>A zero point outside [-128, 127].</summary>
    InvalidZeroPoint = 9,
    /// <summary>An op name the format does not know.</summary>
    UnknownOp = 10,
    /// <summary>A precision name the format does not know, or one the op does not allow.</summary>
    UnknownPrecision = 11,
    /// <summary>An enumerated attribute (padding, activation, layout, order) with an unknown value.</summary>
    InvalidAttribute = 12,
    /// <summary>A dimension, kernel or stride that is zero, negative, absurdly large, or overflows.</summary>
    InvalidDimension = 13,
    /// <summary>A layer's input does not have the shape or element type it needs (the chain is broken).</summary>
    ShapeMismatch = 14,
    /// <summary>A data block's element count does not match what the layer's shape requires.</summary>
    WeightCountMismatch = 15,
    /// <summary>A data block is not valid (canonical) base64, is truncated, or has more characters than its count needs, or declares more data than the file holds.</summary>
    InvalidBase64 = 16,
    /// <summary>An int8 weight equal to -128 (the scheme is symmetric: [-127, 127]).</summary>
    WeightOutOfRange = 17,
    /// <summary>An int8 layer whose worst-case int32 accumulator could overflow.</summary>
    AccumulatorOverflow = 18,
    /// <summary>The model's output does not match the labels (length), or softmax is not last.</summary>
    OutputMismatch = 19,
    /// <summary>Layer names that are empty, not identifiers, or repeated.</summary>
    InvalidLayerName = 20,
    /// <summary>The file ends inside a layer, or a new top-level line appears before the layer's <c>end</c>.</summary>
    UnexpectedEnd = 21,
    /// <summary>A quoted string with a bad escape, a raw control character, a lone surrogate, or no closing quote.</summary>
    InvalidString = 22,
    /// <summary>A non-finite float (float32 or float16) in a data block, or in an attribute that must be finite.</summary>
    NonFiniteValue = 23,
    /// <summary>The model has no layers.</summary>
    EmptyModel = 24,
    /// <summary>
    /// A data block with an unknown element type, or with one the layer's precision does not use
    /// (int8: weights int8, weight_scales float32, bias int32; dynamic_int8: weights int8, weight_scales float32,
    /// bias float32; float32: weights float32, bias float32; float16: weights float16, bias float32), or a block
    /// the precision does not have.
    /// </summary>
    BlockTypeMismatch = 25,
    /// <summary>
    /// An int8 weight outside the range its layer's <c>weight_bits</c> declares ([-63, 63] for <c>weight_bits 7</c>), or a
    /// model built in memory whose int8 weights declare a width other than 7 or 8.
    /// </summary>
    WeightOutsideDeclaredBits = 26,
    /// <summary>
    /// A layer's <c>inputs</c> names a tensor that does not exist: neither <c>input</c> (the model input) nor the name of
    /// any layer.
    /// </summary>
    DanglingReference = 27,
    /// <summary>
    /// A layer's <c>inputs</c> names itself or a later layer. Layers are listed in execution order and read only earlier
    /// tensors, so this is also how a cycle shows.
    /// </summary>
    ForwardReference = 28,
    /// <summary>A layer's output that no later layer reads (only the last layer's output, the model's, may be unread).</summary>
    UnusedTensor = 29,
}
