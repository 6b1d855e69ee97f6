using ModelCompiler.Testing;

namespace ModelCompiler.Kernels.Tests;

/// <summary>
/// ZeroPad on each vector path: every output byte is the input byte it should be or the fill, for pixel sizes and row
/// lengths around each vector width, and nothing is written past the output.
/// </summary>
public sealed class ZeroPaddingKernelTests
{
    [Theory]
    [MemberData(nameof(VectorPaths.Available), MemberType = typeof(VectorPaths))]
    public void ZeroPadPlacesTheInputAndFillsTheBorder(string path)
    {
        int bits = VectorPaths.Bits(path);
        var random = new Random(11);
        foreach (int pixelBytes in new[] { 1, 3, 4, 12, 16, 40, 64, 65 })
        {
            for (int trial = 0; trial < 6; trial++)
            {
                int height = random.Next(1, 6), width = random.Next(1, 9);
                int top = random.Next(0, 3), bottom = random.Next(0, 3), left = random.Next(0, 4), right = random.Next(0, 4);
                sbyte fill = (sbyte)random.Next(-128, 128);
                var x = new byte[height * width * pixelBytes];
                random.NextBytes(x);
                int outHeight = top + height + bottom, outWidth = left + width + right;
                int length = outHeight * outWidth * pixelBytes;
                var y = new byte[length + 70];
                Array.Fill(y, (byte)0xA5);
                KernelLibrary.ZeroPad(ref x[0], ref y[0], height, width, pixelBytes, top, bottom, left, right, fill, bits);
                for (int oy = 0; oy < outHeight; oy++)
                {
                    for (int ox = 0; ox < outWidth; ox++)
                    {
                        int iy = oy - top, ix = ox - left;
                        bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
                        for (int b = 0; b < pixelBytes; b++)
                        {
                            byte expected = inside ? x[((iy * width) + ix) * pixelBytes + b] : unchecked((byte)fill);
                            Assert.True(expected == y[((oy * outWidth) + ox) * pixelBytes + b],
                                $"{path}: {height}x{width}x{pixelBytes}B padded {top}/{bottom}/{left}/{right}, output ({oy}, {ox}) byte {b}");
                        }
                    }
                }

                Assert.All(y.Skip(length), b => Assert.Equal(0xA5, b));
            }
        }
    }
}
