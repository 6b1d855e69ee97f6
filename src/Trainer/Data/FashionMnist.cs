using System.Buffers.Binary;
using System.IO.Compression;

namespace ModelCompiler.Trainer.Data;

/// <summary>Fashion-MNIST from the Debian package <c>dataset-fashion-mnist</c> (gzipped IDX files).</summary>
public static class FashionMnist
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const string InstallHint = "install it with: sudo apt-get install dataset-fashion-mnist";

    public static readonly string[] Classes =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the training or test split; throws <see cref="DatasetMissingException"/> with the install hint.</summary>
    public static ImageDataset Load(bool train, string directory = DefaultDirectory)
    {
        string prefix = train ? "train" : "t10k";
        string images = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        string labels = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz");
        foreach (string file in new[] { images, labels })
        {
            if (!File.Exists(file))
            {
                throw new DatasetMissingException($"Fashion-MNIST is not installed ({file} is missing); {InstallHint}");
            }
        }

        var (pixels, dims) = ReadIdx(images, 2051);
        var (labelBytes, labelDims) = ReadIdx(labels, 2049);
        if (dims.Length != 3 || labelDims.Length != 1 || dims[0] != labelDims[0])
        {
            throw new InvalidDataException($"{images} and {labels} do not describe the same number of 2-D images");
        }

        return new ImageDataset(pixels, [.. labelBytes.Select(b => (int)b)], dims[1], dims[2], 1, Classes);
    }

    /// <summary>Reads a gzipped IDX file of unsigned bytes: magic, dimension sizes (big-endian int32), data.</summary>
    public static (byte[] Data, int[] Dimensions) ReadIdx(string path, int expectedMagic)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var header = new byte[4];
        stream.ReadExactly(header);
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException($"{path}: IDX magic {magic} is not {expectedMagic}");
        }

        int rank = magic & 0xFF;
        var dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            stream.ReadExactly(header);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header);
            total *= dims[i];
        }

        if (total > int.MaxValue)
        {
            throw new InvalidDataException($"{path}: {total} elements is too many");
        }

        var data = new byte[total];
        stream.ReadExactly(data);
        return (data, dims);
    }
}
