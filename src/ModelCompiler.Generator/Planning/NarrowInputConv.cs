using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// The blocked convolution of a layer with few input channels (an RGB network's first conv) laid out without padding
/// bytes: its Kh*Kw*Cin window is one run of ceil(K/4) groups of 4 bytes over t = (ky*Kw + kx)*Cin + ci, instead of Kh
/// rows of ceil(Kw*Cin/4) groups each (a 3x3x3 window: 7 groups, not 9, so 22 % fewer multiplies). The kernel builds
/// each pixel's run from the step's input rows with one byte permutation (vpermb), which needs every row of a step to
/// lie in 16 bytes and at most 4 rows and 4 pixels per step.
/// </summary>
internal static class NarrowInputConv
{
    /// <summary>Bytes of one pixel's run at most: 8 groups of 4.</summary>
    public const int RunBytes = 32;

    /// <summary>Input rows and pixel columns of a step: a fused pool's window, else <see cref="Int8BlockedConvStep.Pixels"/> pixels of one row.</summary>
    public static (int Rows, int Columns) PixelGrid(Int8BlockedConvStep s) =>
        s.Pool is { } p ? (p.KernelHeight, p.KernelWidth) : (1, s.Pixels);

    /// <summary>Input rows a step reads.</summary>
    public static int StepRows(Int8BlockedConvStep s) => ((PixelGrid(s).Rows - 1) * s.Conv.StrideHeight) + s.Conv.KernelHeight;

    /// <summary>Bytes a step reads of each of its input rows.</summary>
    public static int StepRowBytes(Int8BlockedConvStep s) => (((PixelGrid(s).Columns - 1) * s.Conv.StrideWidth) + s.Conv.KernelWidth) * s.Conv.Channels;

    /// <summary>Groups of 4 bytes of one pixel's run: ceil(Kh*Kw*Cin / 4).</summary>
    public static int GroupsFor(Int8BlockedConvStep s) => ((s.Conv.KernelHeight * s.Conv.KernelWidth * s.Conv.Channels) + 3) / 4;

    /// <summary>16-channel vectors per step: 2 when they divide the channel blocks (8 accumulators for two pixels), else 1.</summary>
    public static int VectorsFor(Int8BlockedConvStep s) => s.PaddedOutputChannels / WeightPacking.Lanes % 2 == 0 ? 2 : 1;

    /// <summary>Bytes of one 16-channel block of the run-packed weights.</summary>
    public static int BlockBytes(Int8BlockedConvStep s) => GroupsFor(s) * 64;

    /// <summary>
    /// Whether the layer gains from the layout and the kernel can build its runs: a fused max pool (the kernel folds
    /// each pair of pixels into the window's max), fewer groups than the row-wise layout, a run of at most 32 bytes, at
    /// most 4 rows and 4 pixels per step, and each row read as 16 bytes of which at least 12 are used (the padded
    /// input's 4 bytes of slack cover the over-read of the last window).
    /// </summary>
    public static bool Applies(Int8BlockedConvStep s)
    {
        int rowBytes = StepRowBytes(s);
        return s.Pool is not null
            && GroupsFor(s) < s.Conv.KernelHeight * s.Groups
            && GroupsFor(s) * 4 <= RunBytes
            && StepRows(s) <= 4
            && s.Pixels <= 4
            && rowBytes >= 12 && rowBytes <= 16;
    }

    /// <summary>
    /// Whether the AVX2 narrow-input kernel takes the layer (fused pool or not): fewer groups than the row-wise layout,
    /// a run of at most 32 bytes (two 16-byte halves), each kernel row of a pixel in one 16-byte load, and at least two
    /// kernel rows, so that the last row can be loaded to end at the window's last byte (see <see cref="LastRowBack"/>)
    /// and no load passes the padded input's end.
    /// </summary>
    public static bool AppliesAvx2(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int rowBytes = c.KernelWidth * c.Channels;
        return GroupsFor(s) < c.KernelHeight * s.Groups
            && GroupsFor(s) * 4 <= RunBytes
            && rowBytes <= 16
            && c.KernelHeight >= 2
            && s.PaddedWidth * c.Channels >= LastRowBack(s);
    }

    /// <summary>
    /// Bytes the AVX2 kernel loads its last kernel row early by: that row's 16 bytes end at the window's last byte, as
    /// the last window of the padded input has no 16 - Kw*Cin bytes after it (the other rows' over-read is the next row).
    /// </summary>
    public static int LastRowBack(Int8BlockedConvStep s) => 16 - (s.Conv.KernelWidth * s.Conv.Channels);

    /// <summary>
    /// The (run half, kernel row) pairs of the AVX2 kernel's vpshufb: half h (run bytes 16h..16h+15) takes a shuffle of
    /// each kernel row with bytes in it, the shuffles OR-ed.
    /// </summary>
    public static IReadOnlyList<(int Half, int Row)> Avx2Shuffles(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int run = c.KernelWidth * c.Channels, k = c.KernelHeight * run;
        var pairs = new List<(int, int)>();
        for (int half = 0; half * 16 < k; half++)
        {
            for (int row = 0; row < c.KernelHeight; row++)
            {
                if (row * run < (half + 1) * 16 && (row + 1) * run > half * 16)
                {
                    pairs.Add((half, row));
                }
            }
        }

        return pairs;
    }

    /// <summary>
    /// The vpshufb indices of <see cref="Avx2Shuffles"/>, 32 bytes per pair (the same 16 in both 128-bit lanes): run
    /// byte t = ky*Kw*Cin + r of the half from byte r of the row's 16-byte load (r + <see cref="LastRowBack"/> for the
    /// last row), 0x80 (zero) where the byte is another row's or past K.
    /// </summary>
    public static byte[] Avx2ShuffleIndices(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int run = c.KernelWidth * c.Channels, k = c.KernelHeight * run;
        var pairs = Avx2Shuffles(s);
        var indices = new byte[pairs.Count * 32];
        for (int n = 0; n < pairs.Count; n++)
        {
            var (half, row) = pairs[n];
            for (int at = 0; at < 16; at++)
            {
                int t = (half * 16) + at;
                byte source = t < k && t / run == row
                    ? (byte)((t % run) + (row == c.KernelHeight - 1 ? LastRowBack(s) : 0))
                    : (byte)0x80;
                indices[(n * 32) + at] = source;
                indices[(n * 32) + 16 + at] = source;
            }
        }

        return indices;
    }

    /// <summary>
    /// The blocked layout's weights <c>[Cout/16][Kh][G][16][4]</c> (r = kx*Cin + ci in each kernel row) repacked as
    /// <c>[Cout/16][ceil(K/4)][16][4]</c> over t = ky*Kw*Cin + r; cells past K are 0.
    /// </summary>
    public static byte[] PackWeights(Int8BlockedConvStep s)
    {
        var c = s.Conv;
        int run = c.KernelWidth * c.Channels, groups = GroupsFor(s), blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        var blocked = s.Weights.AsArray();
        var packed = new byte[blocks * groups * WeightPacking.Lanes * 4];
        for (int block = 0; block < blocks; block++)
        {
            for (int ky = 0; ky < c.KernelHeight; ky++)
            {
                for (int r = 0; r < run; r++)
                {
                    int t = (ky * run) + r;
                    for (int lane = 0; lane < WeightPacking.Lanes; lane++)
                    {
                        int from = ((((block * c.KernelHeight) + ky) * s.Groups + (r / 4)) * WeightPacking.Lanes + lane) * 4 + (r % 4);
                        int to = (((block * groups) + (t / 4)) * WeightPacking.Lanes + lane) * 4 + (t % 4);
                        packed[to] = blocked[from];
                    }
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// vpermb indices building the run of pixel <paramref name="pixel"/> of a step from the step's rows loaded as four
    /// 16-byte lanes (row i in bytes 16i..16i+15): run bytes 0-15 in both 128-bit lanes of the low half, bytes 16-31 in
    /// both lanes of the high half, so that one in-lane vpshufd broadcasts any group of 4 bytes to a 256-bit vector.
    /// Bytes past K take byte 0 (their weights are 0).
    /// </summary>
    public static byte[] PermuteIndices(Int8BlockedConvStep s, int pixel)
    {
        var c = s.Conv;
        int columns = PixelGrid(s).Columns, k = c.KernelHeight * c.KernelWidth * c.Channels, run = c.KernelWidth * c.Channels;
        int dy = pixel / columns, dx = pixel % columns;
        var indices = new byte[64];
        for (int t = 0; t < k; t++)
        {
            int row = (dy * c.StrideHeight) + (t / run);
            byte source = (byte)((row * 16) + (dx * c.StrideWidth * c.Channels) + (t % run));
            int half = t / 16, at = t % 16;
            indices[(half * 32) + at] = source;
            indices[(half * 32) + 16 + at] = source;
        }

        return indices;
    }
}
