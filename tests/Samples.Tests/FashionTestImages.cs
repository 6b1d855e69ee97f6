using System.IO.Compression;

namespace ModelCompiler.Samples.Tests;

/// <summary>The 10,000 Fashion-MNIST test images and labels from the Debian package's idx files.</summary>
internal sealed class FashionTestImages
{
    private const string Directory = "/usr/share/datasets/fashion-mnist";
    private static readonly Lazy<FashionTestImages> Shared = new(Load);

    private FashionTestImages(byte[] pixels, byte[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    public const int ImageLength = 28 * 28;

    public static FashionTestImages Instance => Shared.Value;

    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageLength, ImageLength);

    private static FashionTestImages Load()
    {
        byte[] images = Gunzip(Path.Combine(Directory, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(Path.Combine(Directory, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(16 + 10_000 * ImageLength, images.Length);
        Assert.Equal(8 + 10_000, labels.Length);
        return new FashionTestImages(images[16..], labels[8..]);
    }

    private static byte[] Gunzip(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
