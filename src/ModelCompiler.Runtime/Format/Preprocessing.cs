namespace ModelCompiler.Format;

/// <summary>
/// Maps a raw 8-bit pixel to the model's float input: <c>x = pixel * Scale + Offset</c>, evaluated in float32.
/// The seed's <c>rescale=1./255</c> is Scale = 1/255, Offset = 0.
/// </summary>
public readonly record struct Preprocessing(float Scale, float Offset);
