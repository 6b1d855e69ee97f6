using ModelCompiler.Format;

namespace ModelCompiler.Testing;

/// <summary>
/// How a <see cref="ModelBuilder"/> draws the int8 layers' weights, bias and output quantization (float-domain layers
/// are drawn the same way under every scheme).
/// </summary>
public abstract class WeightScheme
{
    /// <summary>
    /// Mostly small weights and a tenth at the limit; output scales follow the accumulators' spread and zero points are
    /// random, so outputs land inside the int8 range and every zero-point fold is exercised (the generator's tests).
    /// </summary>
    public static WeightScheme Spread => new SpreadScheme();

    /// <summary>
    /// As a trained network is quantized: input pixel / 255 as (1/255, -128), He-scaled Gaussian weights quantized
    /// symmetric per output channel, ReLU outputs with zero point -128 over about four pre-activation deviations,
    /// symmetric logits (zero point 0). ONNX Runtime fuses such QDQ graphs as it would a trained one's (the benchmark).
    /// </summary>
    public static WeightScheme Trained => new TrainedScheme();

    /// <summary>
    /// Uniform full-range weights in [-127, 127], input (1/255, -128), output scales from the expected spread, zero
    /// point -128 after an activation and 0 without (the ONNX exporter's tests).
    /// </summary>
    public static WeightScheme Uniform => new UniformScheme();

    /// <summary>Whether convolutions draw a stride width of 1 half of the time instead of the stride height.</summary>
    public virtual bool RandomStrideWidth => false;

    public abstract QuantParams InputQuant(Random random);

    public abstract (WeightData Weights, QuantParams Output) Int8(Random random, int outputs, int perOutput, Activation activation, QuantParams input, int weightLimit);

    private sealed class SpreadScheme : WeightScheme
    {
        public override bool RandomStrideWidth => true;

        // Inputs are roughly [0, 1] (pixel / 255); a random zero point exercises the folding.
        public override QuantParams InputQuant(Random random) => new((float)(1.0 / 255 * (0.8 + random.NextDouble())), random.Next(-128, 0));

        public override (WeightData, QuantParams) Int8(Random random, int outputs, int perOutput, Activation activation, QuantParams input, int weightLimit)
        {
            var values = new sbyte[outputs * perOutput];
            for (int i = 0; i < values.Length; i++)
            {
                // Mostly small weights, a few at the limits.
                values[i] = (sbyte)(random.Next(10) == 0 ? (random.Next(2) == 0 ? -weightLimit : weightLimit) : random.Next(-60, 61));
            }

            var scales = Enumerable.Range(0, outputs).Select(_ => (float)(0.002 + random.NextDouble() * 0.02)).ToArray();
            var bias = Enumerable.Range(0, outputs).Select(c => (int)Math.Round(random.NextDouble() * 2 - 1) * random.Next(0, 2000)).ToArray();
            // Accumulator spread ~ sqrt(K) * 40 * 45; map about two spreads onto the int8 range.
            double spread = Math.Sqrt(perOutput) * 40 * 45 * input.Scale * scales.Average();
            var output = new QuantParams((float)(spread / 50 * (0.5 + random.NextDouble())), random.Next(-100, 60));
            return (new Int8Weights(values, scales, bias, weightLimit <= 63 ? Int8Weights.ReducedBits : Int8Weights.FullBits), output);
        }
    }

    private sealed class UniformScheme : WeightScheme
    {
        public override QuantParams InputQuant(Random random) => new(1f / 255, -128);

        public override (WeightData, QuantParams) Int8(Random random, int outputs, int perOutput, Activation activation, QuantParams input, int weightLimit)
        {
            // Accumulator spread ~ sqrt(k) * 74 (input) * 73 (weights) in units of s_in * s_w; aim it at ~40 int8 steps.
            float spread = input.Scale * 0.007f * MathF.Sqrt(perOutput) * 74 * 73;
            var output = new QuantParams(spread / 40, activation == Activation.None ? 0 : -128);
            var values = new sbyte[outputs * perOutput];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (sbyte)random.Next(-weightLimit, weightLimit + 1);
            }

            var scales = Enumerable.Range(0, outputs).Select(_ => 0.002f + 0.01f * random.NextSingle()).ToArray();
            var bias = Enumerable.Range(0, outputs).Select(_ => random.Next(-2000, 2000)).ToArray();
            return (new Int8Weights(values, scales, bias), output);
        }
    }

    private sealed class TrainedScheme : WeightScheme
    {
        /// <summary>Mean square of the current tensor's real values: 1/3 for pixel / 255 uniform on [0, 1].</summary>
        private double _meanSquare = 1.0 / 3.0;

        public override QuantParams InputQuant(Random random) => new(1f / 255, -128);

        public override (WeightData, QuantParams) Int8(Random random, int outputs, int fanIn, Activation activation, QuantParams input, int weightLimit)
        {
            double std = Math.Sqrt(2.0 / fanIn);
            var values = new sbyte[outputs * fanIn];
            var scales = new float[outputs];
            var bias = new int[outputs];
            var row = new double[fanIn];
            // Pre-activation spread for He weights: sqrt(fanIn * std^2 * E[x^2]).
            double preActivation = Math.Sqrt(fanIn * std * std * _meanSquare);
            for (int o = 0; o < outputs; o++)
            {
                double max = 0;
                for (int i = 0; i < fanIn; i++)
                {
                    row[i] = Gaussian(random) * std;
                    max = Math.Max(max, Math.Abs(row[i]));
                }

                scales[o] = (float)(max / weightLimit);
                for (int i = 0; i < fanIn; i++)
                {
                    values[o * fanIn + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scales[o]), -weightLimit, weightLimit);
                }

                bias[o] = (int)Math.Round(Gaussian(random) * 0.1 * preActivation / (input.Scale * scales[o]));
            }

            QuantParams output;
            if (activation != Activation.None)
            {
                output = new QuantParams((float)(4 * preActivation / 255), -128);
                // ReLU halves the mean square of a zero-mean Gaussian.
                _meanSquare = preActivation * preActivation / 2;
            }
            else
            {
                output = new QuantParams((float)(8 * preActivation / 255), 0);
                _meanSquare = preActivation * preActivation;
            }

            return (new Int8Weights(values, scales, bias, weightLimit <= 63 ? Int8Weights.ReducedBits : Int8Weights.FullBits), output);
        }

        private static double Gaussian(Random random)
        {
            double u = 1.0 - random.NextDouble();
            double v = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
    }
}
