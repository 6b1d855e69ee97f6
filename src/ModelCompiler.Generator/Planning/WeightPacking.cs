using ModelCompiler.Generator.Arithmetic;
using ModelCompiler.Generator.Format;
using ModelCompiler.Generator.Pipeline;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Rearranges OIHW / [units][inputs] weights into the order the emitted kernels stream them, with NCHW-to-NHWC
/// permutation, Flatten order and zero padding of ragged blocks applied at build time.
/// </summary>
internal static class WeightPacking
{
    /// <summary>Output channels (or units) handled together by one kernel block; every vector width divides it.</summary>
    public const int Lanes = 16;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Int8 dense: <c>[units][padded inputs]</c>; column j holds the weight of arena element j.</summary>
    public static byte[] PackInt8Dense(sbyte[] weights, int units, int inputs, int paddedInputs, Func<int, int> modelColumnOf)
    {
        var packed = new byte[units * paddedInputs];
        for (int u = 0; u < units; u++)
        {
            for (int j = 0; j < inputs; j++)
            {
                packed[u * paddedInputs + j] = (byte)weights[u * inputs + modelColumnOf(j)];
            }
        }

        return packed;
    }

    /// <summary>Float conv order <c>[Cout/16][Kh][Kw][Cin][16]</c>: the OIHW index of each packed slot, -1 for padding.</summary>
    public static int[] FloatConvOrder(int cout, int cin, int kh, int kw, int paddedCout)
    {
        var order = Enumerable.Repeat(-1, paddedCout * kh * kw * cin).ToArray();
        for (int co = 0; co < cout; co++)
        {
            int block = co / Lanes, lane = co % Lanes;
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    for (int ci = 0; ci < cin; ci++)
                    {
                        order[((((block * kh) + ky) * kw + kx) * cin + ci) * Lanes + lane] = ((co * cin + ci) * kh + ky) * kw + kx;
                    }
                }
            }
        }

        return order;
    }

    /// <summary>Float dense order <c>[units/16][inputs][16]</c> (input j is arena element j): source index per slot, -1 for padding.</summary>
    public static int[] FloatDenseOrder(int units, int inputs, int paddedUnits, Func<int, int> modelColumnOf)
    {
        var order = Enumerable.Repeat(-1, paddedUnits * inputs).ToArray();
        for (int u = 0; u < units; u++)
        {
            int block = u / Lanes, lane = u % Lanes;
            for (int j = 0; j < inputs; j++)
            {
                order[((block * inputs) + j) * Lanes + lane] = u * inputs + modelColumnOf(j);
            }
        }

        return order;
    }

    /// <summary>The weights at their stored precision, in <paramref name="order"/>.</summary>
    public static StoredWeights Store(WeightData weights, int[] order, int perOutput, int paddedOutputs)
    {
        byte[] bytes;
        float[] scales = Array.Empty<float>();
        switch (weights)
        {
            case Float32Weights f:
                bytes = new byte[order.Length * 4];
                for (int i = 0; i < order.Length; i++)
                {
                    uint bits = order[i] < 0 ? 0u : BitConverter.ToUInt32(BitConverter.GetBytes(f.Values[order[i]]), 0);
                    bytes[4 * i] = (byte)bits;
                    bytes[4 * i + 1] = (byte)(bits >> 8);
                    bytes[4 * i + 2] = (byte)(bits >> 16);
                    bytes[4 * i + 3] = (byte)(bits >> 24);
                }

                break;
            case Float16Weights h:
                bytes = new byte[order.Length * 2];
                for (int i = 0; i < order.Length; i++)
                {
                    ushort bits = order[i] < 0 ? (ushort)0 : h.Values[order[i]];
                    bytes[2 * i] = (byte)bits;
                    bytes[2 * i + 1] = (byte)(bits >> 8);
                }

                break;
            case DynamicInt8Weights d:
                bytes = new byte[order.Length];
                for (int i = 0; i < order.Length; i++)
                {
                    bytes[i] = order[i] < 0 ? (byte)0 : (byte)d.Values[order[i]];
                }

                scales = new float[paddedOutputs];
                Array.Copy(d.Scales, scales, d.Scales.Length);
                break;
            default:
                throw new ArgumentException($"{weights.Precision} weights are not computed in float", nameof(weights));
        }

        return new StoredWeights(weights.Precision, order.Length, perOutput, bytes.ToEquatableArray(), scales.ToEquatableArray());
    }

    /// <summary>The float32 bias of a float-domain layer.</summary>
    public static float[] FloatBias(WeightData weights) => weights switch
    {
        Float32Weights f => f.Bias,
        DynamicInt8Weights d => d.Bias,
        Float16Weights h => h.Bias,
        _ => throw new ArgumentException($"{weights.Precision} weights are not computed in float", nameof(weights)),
    };

    /// <summary><paramref name="values"/> followed by zeros up to <paramref name="length"/>.</summary>
    public static float[] Pad(float[] values, int length)
    {
        var padded = new float[length];
        Array.Copy(values, padded, values.Length);
        return padded;
    }

    /// <summary>bias[c] - zp_in * Σ_k (w[c][k] - zw), wrapped to int32 like the kernels' accumulators.</summary>
    public static int[] FoldZeroPoint(int[] bias, sbyte[] weights, int perOutput, int inputZeroPoint, int weightZeroPoint, int paddedCount)
    {
        var folded = new int[paddedCount];
        for (int c = 0; c < bias.Length; c++)
        {
            long sum = 0;
            for (int k = 0; k < perOutput; k++)
            {
                sum += weights[c * perOutput + k] - weightZeroPoint;
            }

            folded[c] = unchecked((int)(bias[c] - inputZeroPoint * sum));
        }

        return folded;
    }
}
