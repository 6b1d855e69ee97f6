using ModelCompiler.Generator.Planning.Lowering;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// The blocked convolution's inner products for layers with full 8-bit weights (any of [-128, 127], as TFLite and ONNX
/// models hold; <see cref="BlockedLayout.FullRangeWeights"/>). A 7-bit layer's code is unchanged. vpdpbusd is exact
/// for any weight; the vpmaddubsw paths halve each broadcast input byte once per pixel (u = 2h + l, the kernels'
/// <c>HighBits</c> / <c>LowBit</c>) and take two exact pair products per weight vector (<c>MultiplyAddHalves</c>; the
/// proof is in FullRangeWeights.cs and docs/arithmetic.md). The AVX2 kernel without a fused pool widens both operands
/// to int16 instead (WidenPairs, vpmaddwd: BlockedConvEmitter.Avx2.cs), half the multiplies of the halved input. The
/// Vector128 and scalar kernels widen to int16 and are exact for any int8 weight as they are.
/// </summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>What the kernels' comments say of their weights' range.</summary>
    private static string WeightRange(Int8BlockedConvStep s) => s.Layout.FullRangeWeights ? "8-bit" : "7-bit";

    /// <summary>How the vpmaddubsw kernels' comments describe their products.</summary>
    private static string PairProducts(Int8BlockedConvStep s) => s.Layout.FullRangeWeights
        ? "8-bit weights: the input halved (u = 2h + l), u8 x s8 pairs of h and of l (exact), then x 2 and x 1 into int32"
        : "u8 x s8 pairs (exact for 7-bit weights), then x 1 into int32";

    /// <summary>The kernel library's 256-bit u8 x s8 quadruple product for this layer's weights.</summary>
    private static string ByteProduct(Int8BlockedConvStep s) => s.Layout.FullRangeWeights ? "MultiplyAddFullRangeBytes" : "MultiplyAddBytes";

    /// <summary>
    /// The AVX-512BW accumulation of pixel <paramref name="i"/>'s broadcast <c>u{i}</c> with weight vector
    /// <paramref name="j"/>; with full-range weights the first vector's line also halves the broadcast.
    /// </summary>
    private static string Accumulate512(Int8BlockedConvStep s, int i, int j)
    {
        if (!s.Layout.FullRangeWeights)
        {
            return $"a{i}_{j} = Avx512F.Add(a{i}_{j}, Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(u{i}, w{j}), ones));";
        }

        string halves = j == 0 ? $"Vector512<byte> h{i} = HighBits(u{i}), l{i} = LowBit(u{i}); " : string.Empty;
        return $"{halves}a{i}_{j} = MultiplyAddHalves(a{i}_{j}, h{i}, l{i}, w{j});";
    }

    /// <summary>
    /// The AVX2 accumulation of pixel <paramref name="i"/>'s broadcast <c>u{i}</c> into its 8-lane accumulator
    /// <paramref name="h"/> (weights <c>w{h}</c>); with full-range weights the first one's line also halves the broadcast.
    /// </summary>
    private static string Accumulate256(Int8BlockedConvStep s, int i, int h)
    {
        if (!s.Layout.FullRangeWeights)
        {
            return $"a{i}_{h} = Avx2.Add(a{i}_{h}, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u{i}, w{h}), ones));";
        }

        string halves = h == 0 ? $"Vector256<byte> h{i} = HighBits(u{i}), l{i} = LowBit(u{i});\n" : string.Empty;
        return $"{halves}a{i}_{h} = MultiplyAddHalves(a{i}_{h}, h{i}, l{i}, w{h});";
    }
}
