using ModelCompiler.Format;

namespace ModelCompiler.Interpreter;

/// <summary>
/// One activation tensor while the interpreter runs: exactly one of <see cref="Int8"/> and <see cref="Float"/> is set,
/// stored HWC (channel fastest) for images, plain for vectors.
/// </summary>
internal sealed class TensorValue
{
    private TensorValue(TensorShape shape, sbyte[]? int8, float[]? values)
    {
        Shape = shape;
        Int8 = int8;
        Float = values;
    }

    public TensorShape Shape { get; }

    public sbyte[]? Int8 { get; }

    public float[]? Float { get; }

    public static TensorValue OfInt8(TensorShape shape, sbyte[] values) => new(shape, values, null);

    public static TensorValue OfFloat(TensorShape shape, float[] values) => new(shape, null, values);

    /// <summary>The int8 values; the tensor chain guarantees which kind each layer receives.</summary>
    public sbyte[] Int8Values => Int8 ?? throw new InvalidOperationException("expected an int8 tensor");

    /// <summary>The float32 values; the tensor chain guarantees which kind each layer receives.</summary>
    public float[] FloatValues => Float ?? throw new InvalidOperationException("expected a float32 tensor");
}
