using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>
/// The AVX2 kernel's signed-pair form for 8-bit weights in [-127, 127] (TFLite's int8 weights; a layer with a -128
/// keeps the int16 form): per broadcast the signed input x = u ^ 0x80 and |x| (vpabsb) once, then per 8 channels x 4
/// bytes vpsignb(w, x), vpmaddubsw(|x|, that), vpmaddwd by 1 and vpaddd, as the 7-bit form with one vpsignb more.
/// No pair can saturate (|x| &lt;= 128, |sign(x) * w| &lt;= 127: 2 * 128 * 127 = 32512; SignedPairs.cs), the weights
/// stay one byte each and the step keeps the 7-bit form's shape (two accumulators per pixel, 4 pixels or the fused
/// pool's window). The accumulators start at <c>_SignedBias</c>, the bias for q rather than q + 128.
/// </summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>Whether the AVX2 kernel takes the signed-pair form: full-range weights, none of them -128.</summary>
    private static bool SignedPairs(Int8BlockedConvStep s) => s.Layout.FullRangeWeights && BlockedConvLowering.SignedPairsApply(s.Weights);

    /// <summary>The signed-pair form's bias, when the step takes it.</summary>
    private static void WriteSignedPairsData(SourceWriter w, Int8BlockedConvStep s)
    {
        if (!SignedPairs(s))
        {
            return;
        }

        WriteInt32Data(w, s.MethodName + "_SignedBias", BlockedConvLowering.SignedInputBias(s.Requantization.Bias, s.Weights, s.PaddedOutputChannels),
            "bias - zp_in * sum(w) per output channel (padded channels 0): the AVX2 signed-pair form reads q, not q + 128.");
        w.WriteLine();
    }

    /// <summary>
    /// The signed-pair accumulation of one step of one block (<c>V</c> = 1): two 8-lane accumulators per pixel from the
    /// signed bias, named as the 7-bit form's (<c>a{i}_0</c>, <c>a{i}_1</c>) for its requantization and fused pool.
    /// </summary>
    private static void WriteSignedPairsAccumulation(SourceWriter w, Int8BlockedConvStep s, int p, int v)
    {
        w.WriteLine($"ref int signedBias = ref MemoryMarshal.GetReference({s.MethodName}_SignedBias);");
        for (int i = 0; i < p; i++)
        {
            w.WriteLine("Vector256<int> " + string.Join(", ", Enumerable.Range(0, 2 * v).Select(h => $"a{i}_{h} = Vector256.LoadUnsafe(ref signedBias, (nuint)({Channel(h / 2, 8 * (h % 2))}))").ToArray()) + ";");
        }

        WriteKernelLoops(w, s, p, 2 * v, "Vector256",
            (h, offset) => $"Vector256<sbyte> w{h} = Vector256.LoadUnsafe(ref k{(offset.Length == 0 ? string.Empty : $", {offset}")});",
            (i, h) => (h == 0 ? $"Vector256<sbyte> q{i} = SignedInput(u{i});\nVector256<byte> m{i} = Avx2.Abs(q{i});\n" : string.Empty)
                + $"a{i}_{h} = MultiplyAddSignedPairs(a{i}_{h}, m{i}, q{i}, w{h});",
            vectorOffset: h => ((h / 2) * s.BlockBytes) + (32 * (h % 2)));
        w.WriteLine();
    }
}
