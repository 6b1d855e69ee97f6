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
