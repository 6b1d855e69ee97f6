using ModelCompiler.Arithmetic;
using ModelCompiler.Format;

namespace ModelCompiler.Generator.Planning;

/// <summary>
/// Rearranges OIHW / [units][inputs] weights into the order the emitted kernels stream them, with NCHW-to-NHWC
/// permutation, Flatten order and zero padding of ragged blocks applied at build time.
/// </summary>
public static class WeightPacking
{
    /// <summary>Output channels (or units) handled together by one kernel block; every vector width divides it.</summary>
    public const int Lanes = 16;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Int8 conv: <c>[Cout/16][K/2][16][2]</c> with k = (ky*Kw + kx)*Cin + ci; padded entries are 0.</summary>
    public static byte[] PackInt8Conv(sbyte[] oihw, int cout, int cin, int kh, int kw, int paddedCout, int paddedK)
    {
        var packed = new byte[paddedCout * paddedK];
        for (int co = 0; co < cout; co++)
        {
            int block = co / Lanes, lane = co % Lanes;
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    for (int ci = 0; ci < cin; ci++)
                    {
                        int k = ((ky * kw) + kx) * cin + ci;
                        int index = (((block * (paddedK / 2)) + (k / 2)) * Lanes + lane) * 2 + (k % 2);
                        packed[index] = (byte)oihw[((co * cin + ci) * kh + ky) * kw + kx];
                    }
                }
            }
        }

        return packed;
    }

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

    /// <summary>Float conv: <c>[Cout/16][Kh][Kw][Cin][16]</c>.</summary>
    public static float[] PackFloatConv(float[] oihw, int cout, int cin, int kh, int kw, int paddedCout)
    {
        var packed = new float[paddedCout * kh * kw * cin];
        for (int co = 0; co < cout; co++)
        {
            int block = co / Lanes, lane = co % Lanes;
            for (int ky = 0; ky < kh; ky++)
            {
                for (int kx = 0; kx < kw; kx++)
                {
                    for (int ci = 0; ci < cin; ci++)
                    {
                        int index = ((((block * kh) + ky) * kw + kx) * cin + ci) * Lanes + lane;
                        packed[index] = oihw[((co * cin + ci) * kh + ky) * kw + kx];
                    }
                }
            }
        }

        return packed;
    }

    /// <summary>Float dense: <c>[units/16][inputs][16]</c>; input j is arena element j.</summary>
    public static float[] PackFloatDense(float[] weights, int units, int inputs, int paddedUnits, Func<int, int> modelColumnOf)
    {
        var packed = new float[paddedUnits * inputs];
        for (int u = 0; u < units; u++)
        {
            int block = u / Lanes, lane = u % Lanes;
            for (int j = 0; j < inputs; j++)
            {
                packed[((block * inputs) + j) * Lanes + lane] = weights[u * inputs + modelColumnOf(j)];
            }
        }

        return packed;
    }

    /// <summary>
    /// The float32 weights a float-domain layer computes with, widened exactly as the reference does:
    /// DynamicInt8 = (float)q * scale[c] (one float32 multiply), Float16 = exact widening.
    /// </summary>
    public static (float[] Values, float[] Bias) ToFloat(WeightData weights)
    {
        switch (weights)
        {
            case Float32Weights f:
                return (f.Values, f.Bias);
            case DynamicInt8Weights d:
            {
                int perChannel = d.Values.Length / d.Bias.Length;
                var values = new float[d.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    float q = d.Values[i];
                    float scale = d.Scales[i / perChannel];
                    values[i] = q * scale;
                }

                return (values, d.Bias);
            }

            case Float16Weights h:
            {
                var values = new float[h.Values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = HalfConversion.ToSingle(h.Values[i]);
                }

                return (values, h.Bias);
            }

            default:
                throw new ArgumentException($"{weights.Precision} weights are not computed in float", nameof(weights));
        }
    }

    /// <summary>bias[c] - zp_in * Σ_k w[c][k], wrapped to int32 like the kernels' accumulators.</summary>
    public static int[] FoldZeroPoint(int[] bias, sbyte[] weights, int perOutput, int inputZeroPoint, int paddedCount)
    {
        var folded = new int[paddedCount];
        for (int c = 0; c < bias.Length; c++)
        {
            long sum = 0;
            for (int k = 0; k < perOutput; k++)
            {
                sum += weights[c * perOutput + k];
            }

            folded[c] = unchecked((int)(bias[c] - inputZeroPoint * sum));
        }

        return folded;
    }
}
