using System.Buffers.Binary;

namespace ModelCompiler.Imaging.Tests;

/// <summary>
/// The shared image opener on every hostile input the issue names: a JPEG cut inside its APP0 header (StbImageSharp
/// hangs on it), an 18000 x 18000 PNG, a PNG whose data inflates far past its header, JPEGs cut at 10/50/99 %, a PNG
/// without IEND, devices, folders, other formats; and on well-formed files of each format.
/// </summary>
public sealed class ImageFileTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly string folder = Directory.CreateTempSubdirectory("imaging-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void WellFormedJpegPngBmpAndGifOpenWithTheirPixels()
    {
        var rgb = TestImages.Rgb(37, 23, seed: 1);
        foreach (var (format, data, tolerance) in new[]
        {
            (ImageFormat.Png, TestImages.StbPng(rgb, 37, 23), 0),
            (ImageFormat.Bmp, TestImages.Bmp(rgb, 37, 23), 0),
            (ImageFormat.Jpeg, TestImages.Jpeg(rgb, 37, 23, quality: 100), 40),
        })
        {
            var image = ImageFile.Decode(data, format.ToString(), 3);
            Assert.Equal((format, 37, 23, 3, (string?)null), (image.Format, image.Width, image.Height, image.Channels, image.Warning));
            Assert.True(MaxDifference(rgb, image.Pixels) <= tolerance, $"{format}: pixels differ by {MaxDifference(rgb, image.Pixels)}");
        }

        var gif = ImageFile.Decode(TestImages.Gif(9, 7, (x, y) => (x * 20) + y), "gif", 1);
        Assert.Equal((ImageFormat.Gif, 9, 7), (gif.Format, gif.Width, gif.Height));
        Assert.Equal(Enumerable.Range(0, 63).Select(i => (byte)((i % 9 * 20) + (i / 9))), gif.Pixels);
    }

    [Fact]
    public async Task A_jpeg_cut_inside_its_APP0_header_is_truncated_and_does_not_hang()
    {
        byte[] photo = TestImages.Jpeg(TestImages.Rgb(64, 48, seed: 2), 64, 48);
        var cuts = new[] { photo[..11], photo[..4], photo[..2], new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5 }, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0, 0, 0 } };
        foreach (byte[] cut in cuts)
        {
            var error = await Task.Run(() => Assert.Throws<ImageFileException>(() => ImageFile.Decode(cut, "cut.jpg", 3))).WaitAsync(HangGuard);
            Assert.Equal(ImageProblem.Truncated, error.Problem);
            Assert.StartsWith("cut.jpg: truncated JPEG: ", error.Message);
        }
    }

    [Fact]
    public async Task The_stream_given_to_the_decoder_stops_the_loop_that_hung_even_without_the_structure_check()
    {
        // The same 11 bytes handed straight to StbImageSharp through the guarded stream: the skip past the end is
        // clamped, so the decoder's wait for end-of-file ends and it fails instead of spinning.
        byte[] cut = TestImages.Jpeg(TestImages.Rgb(16, 16, seed: 3), 16, 16)[..11];
        var stream = new GuardedStream(cut, pastEndBudget: 1 << 20);
        var failure = await Task.Run(() => Record.Exception(() => StbImageSharp.ImageResult.FromStream(stream, StbImageSharp.ColorComponents.RedGreenBlue))).WaitAsync(HangGuard);
        Assert.NotNull(failure);
        Assert.True(stream.ReadPastEnd);
    }

    [Fact]
    public void An_18000_by_18000_png_is_refused_from_its_header_before_any_decoding()
    {
        byte[] png = TestImages.PngWithData(18000, 18000, inflated: 18001 * 16); // a valid start of 16 rows; the check must not need more
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageFileException>(() => ImageFile.Decode(png, "huge.png", 3));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Equal(ImageProblem.TooManyPixels, error.Problem);
        Assert.Equal("huge.png: PNG of 18000 x 18000 = 324,000,000 pixels, over the limit of 33,554,432 pixels", error.Message);

        // Raising the limit without bound still stops where the decoded bytes could not fit an array.
        var unbounded = Assert.Throws<ImageFileException>(() => ImageFile.Decode(png, "huge.png", 3, new ImageReadOptions { MaxPixels = long.MaxValue }));
        Assert.Equal("huge.png: PNG of 18000 x 18000 = 324,000,000 pixels, more than the decoder can hold (268,435,455)", unbounded.Message);
    }

    [Fact]
    public void The_pixel_limit_is_overridable_and_holds_for_every_format()
    {
        var rgb = TestImages.Rgb(40, 30, seed: 4);
        var strict = new ImageReadOptions { MaxPixels = 1199 };
        foreach (byte[] data in new[] { TestImages.StbPng(rgb, 40, 30), TestImages.Jpeg(rgb, 40, 30), TestImages.Bmp(rgb, 40, 30), TestImages.Gif(40, 30, (x, y) => x) })
        {
            Assert.Equal(ImageProblem.TooManyPixels, Assert.Throws<ImageFileException>(() => ImageFile.Decode(data, "x", 3, strict)).Problem);
            Assert.Equal(1200, ImageFile.Decode(data, "x", 3, new ImageReadOptions { MaxPixels = 1200 }).Pixels.Length / 3);
        }
    }

    [Fact]
    public void A_png_whose_data_inflates_past_its_header_is_refused_after_inflating_only_that_much()
    {
        byte[] bomb = TestImages.PngWithData(100, 100, inflated: 64L << 20); // 64 MiB of zeros behind a 100 x 100 header
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ImageFileException>(() => ImageFile.Decode(bomb, "bomb.png", 3));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 << 20);
        Assert.Equal(ImageProblem.DataLargerThanHeader, error.Problem);
        Assert.Contains("inflates to more than the 30,100 bytes its 100 x 100 header needs", error.Message);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void A_one_megabyte_png_inflating_to_one_gigabyte_is_refused()
    {
        byte[] bomb = TestImages.PngWithData(100, 100, inflated: 1L << 30);
        Assert.InRange(bomb.Length, 500_000, 1_500_000);
        var error = Assert.Throws<ImageFileException>(() => ImageFile.Decode(bomb, "bomb.png", 3));
        Assert.Equal(ImageProblem.DataLargerThanHeader, error.Problem);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(99)]
    public void Jpegs_cut_at_a_percentage_are_truncated_or_used_with_a_warning_when_allowed(int percent)
    {
        var rgb = TestImages.Rgb(320, 240, seed: 5);
        byte[] photo = TestImages.Jpeg(rgb, 320, 240);
        byte[] cut = photo[..(photo.Length * percent / 100)];

        var error = Assert.Throws<ImageFileException>(() => ImageFile.Decode(cut, "cut.jpg", 3));
        Assert.Equal(ImageProblem.Truncated, error.Problem);

        var image = ImageFile.Decode(cut, "cut.jpg", 3, new ImageReadOptions { AllowTruncated = true });
        Assert.Equal((320, 240), (image.Width, image.Height));
        Assert.StartsWith("truncated JPEG: ", image.Warning);
        Assert.Null(ImageFile.Decode(photo, "whole.jpg", 3).Warning);
    }

    [Fact]
    public void A_png_without_IEND_or_cut_inside_its_data_is_truncated_or_decodes_the_rows_it_holds()
    {
        var rgb = TestImages.Rgb(50, 40, seed: 6);
        byte[] png = TestImages.StbPng(rgb, 50, 40);
        byte[] withoutEnd = png[..^12];
        var allow = new ImageReadOptions { AllowTruncated = true };

        Assert.Equal(ImageProblem.Truncated, Assert.Throws<ImageFileException>(() => ImageFile.Decode(withoutEnd, "noend.png", 3)).Problem);
        var whole = ImageFile.Decode(withoutEnd, "noend.png", 3, allow);
        Assert.Equal(rgb, whole.Pixels);
        Assert.Contains("no IEND", whole.Warning);

        // Uncompressed rows (stored deflate) so that a cut at 60 % of the file keeps about 60 % of the rows.
        byte[] stored = StoredPng(rgb, 50, 40);
        byte[] cut = stored[..(stored.Length * 6 / 10)];
        Assert.Equal(ImageProblem.Truncated, Assert.Throws<ImageFileException>(() => ImageFile.Decode(cut, "cut.png", 3)).Problem);
        var partial = ImageFile.Decode(cut, "cut.png", 3, allow);
        int rowBytes = 50 * 3;
        Assert.Equal(rgb.AsSpan(0, 20 * rowBytes).ToArray(), partial.Pixels.AsSpan(0, 20 * rowBytes).ToArray());
        Assert.All(partial.Pixels[(39 * rowBytes)..], b => Assert.Equal(0, b));
        Assert.Contains("past the end of the file", partial.Warning);
    }

    [Fact]
    public void A_bmp_missing_rows_is_truncated_or_used_with_a_warning()
    {
        byte[] bmp = TestImages.Bmp(TestImages.Rgb(30, 20, seed: 7), 30, 20);
        byte[] cut = bmp[..(bmp.Length - 500)];
        Assert.Equal(ImageProblem.Truncated, Assert.Throws<ImageFileException>(() => ImageFile.Decode(cut, "cut.bmp", 3)).Problem);
        Assert.Contains("of pixel data its header declares", ImageFile.Decode(cut, "cut.bmp", 3, new ImageReadOptions { AllowTruncated = true }).Warning);
    }

    [Fact]
    public void A_gif_cut_inside_its_frame_is_truncated()
    {
        byte[] gif = TestImages.Gif(40, 40, (x, y) => x + y);
        byte[] cut = gif[..(gif.Length / 2)];
        Assert.Equal(ImageProblem.Truncated, Assert.Throws<ImageFileException>(() => ImageFile.Decode(cut, "cut.gif", 1)).Problem);
        Assert.NotNull(ImageFile.Decode(cut, "cut.gif", 1, new ImageReadOptions { AllowTruncated = true }).Warning);
    }

    [Fact]
    public void Other_content_is_unsupported_whatever_the_extension()
    {
        foreach (var (name, data) in new (string, byte[])[]
        {
            ("notes.jpg", "just text"u8.ToArray()),
            ("empty.png", []),
            ("image.tga", [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 4, 0, 24, 0]),
            ("rle.bmp", RleBmp()),
        })
        {
            var error = Assert.Throws<ImageFileException>(() => ImageFile.Decode(data, name, 3));
            Assert.Equal(ImageProblem.UnsupportedFormat, error.Problem);
            Assert.StartsWith(name + ": ", error.Message);
        }
    }

    [Fact]
    public void Files_a_user_names_fail_as_one_line_naming_the_file()
    {
        string png = Path.Combine(folder, "ok.png");
        File.WriteAllBytes(png, TestImages.StbPng(TestImages.Rgb(8, 8, seed: 8), 8, 8));
        string zero = Path.Combine(folder, "zero.png");
        File.CreateSymbolicLink(zero, "/dev/zero");
        string loop = Path.Combine(folder, "loop.png");
        File.CreateSymbolicLink(loop, loop);
        string directory = Directory.CreateDirectory(Path.Combine(folder, "dir.png")).FullName;
        string evil = Path.Combine(folder, "evil\u001b]0;x\u0007\n.png");
        File.WriteAllBytes(evil, "x"u8.ToArray());

        Assert.Equal(8, ImageFile.Read(png, 3).Width);
        var cases = new (string Path, ImageProblem Problem, ImageReadOptions? Options)[]
        {
            (zero, ImageProblem.FileTooLarge, new ImageReadOptions { MaxFileBytes = 1 << 16 }),
            (png, ImageProblem.FileTooLarge, new ImageReadOptions { MaxFileBytes = 10 }),
            (loop, ImageProblem.Unreadable, null),
            (directory, ImageProblem.Unreadable, null),
            (Path.Combine(folder, "missing.png"), ImageProblem.Unreadable, null),
            (evil, ImageProblem.UnsupportedFormat, null),
        };
        foreach (var (path, problem, options) in cases)
        {
            var error = Assert.Throws<ImageFileException>(() => ImageFile.Read(path, 3, options));
            Assert.Equal(problem, error.Problem);
            Assert.Equal(path, error.FilePath);
            Assert.DoesNotContain(error.Message, char.IsControl);
            Assert.StartsWith(ModelCompiler.Format.TerminalText.Escape(path) + ": ", error.Message);
        }
    }

    [Fact]
    public void ReadResized_gives_the_model_input()
    {
        string path = Path.Combine(folder, "photo.jpg");
        File.WriteAllBytes(path, TestImages.Jpeg(TestImages.Rgb(150, 150, seed: 9), 150, 150));
        var image = ImageFile.ReadResized(path, 100, 100, 3);
        Assert.Equal((100, 100, 30000), (image.Width, image.Height, image.Pixels.Length));
    }

    private static int MaxDifference(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>An 8-bit RGB PNG whose IDAT is stored (uncompressed) deflate, so byte position tracks rows.</summary>
    private static byte[] StoredPng(byte[] rgb, int width, int height)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(rgb, y * width * 3, width * 3);
        }

        return TestImages.PngWithImageData(width, height, 2, TestImages.Zlib(raw.ToArray(), System.IO.Compression.CompressionLevel.NoCompression));
    }

    private static byte[] RleBmp()
    {
        var bmp = new byte[54 + 16];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 4);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 4);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 8);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(30), 1); // BI_RLE8
        return bmp;
    }
}
