namespace ModelCompiler.Format;

/// <summary>
/// Maps a raw 8-bit pixel to the model's float input: <c>x = pixel * Scale + Offset</c>, evaluated in float32.
/// The seed's <c>rescale=1./255</c> is Scale = 1/255, Offset = 0.
/// </summary>
public readonly record struct Preprocessing(float Scale, float Offset)
{
    /// <summary>
    /// Writes <c>pixel * Scale + Offset</c> for each pixel into <paramref name="destination"/> (at least as long), as two
    /// float32 operations: the product is stored before the addition so that no fused multiply-add rounds differently
    /// from the generated code's table.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            float scaled = pixels[i] * Scale;
            destination[i] = scaled + Offset;
        }
    }
}
