namespace ModelCompiler.Format;

/// <summary>
/// Shape of one activation tensor (batch excluded): rank 3 (height, width, channels) for images and feature
/// maps, rank 1 (length) after Flatten, global pooling or Dense. Rank 1 is stored as (1, 1, length).
/// </summary>
public readonly record struct TensorShape(int Height, int Width, int Channels, bool IsVector)
{
    public static TensorShape Image(int height, int width, int channels) => new(height, width, channels, false);

    public static TensorShape Vector(int length) => new(1, 1, length, true);

    /// <summary>Number of elements; the reader guarantees it fits an int for every tensor of a valid model.</summary>
    public int Length => Height * Width * Channels;

    public override string ToString() => IsVector ? $"[{Channels}]" : $"[{Height}x{Width}x{Channels}]";
}
