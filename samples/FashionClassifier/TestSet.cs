namespace ModelCompiler.Samples.Fashion;

/// <summary>The Fashion-MNIST test split in memory.</summary>
internal sealed class TestSet(int count, int imageLength, byte[] pixels, byte[] labels)
{
    public int Count { get; } = count;

    public byte[] Labels { get; } = labels;

    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentException($"test image index {index} is outside [0, {Count - 1}]");
        }

        return pixels.AsSpan(index * imageLength, imageLength);
    }

    public static TestSet Load(string directory)
    {
        var (count, rows, columns, pixels) = IdxImages.ReadImages(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = IdxImages.ReadLabels(Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"));
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{count} test images but {labels.Length} labels in {directory}");
        }

        return new TestSet(count, rows * columns, pixels, labels);
    }
}
