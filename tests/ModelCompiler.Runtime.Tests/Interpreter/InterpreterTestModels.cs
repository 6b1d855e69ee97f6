using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// Seeded generator of random small models of every op and precision. Weights are random floats; int8 layers get
/// per-channel symmetric weights and int32 bias at s_in * s_w; every int8 tensor's scale and zero point come from
/// the range the reference network reaches on random calibration inputs (so the generator builds the model and its
/// reference twin layer by layer).
/// </summary>
internal static class InterpreterTestModels
{
    private static readonly Precision[] Precisions = [Precision.Int8, Precision.Float32, Precision.DynamicInt8, Precision.Float16];

    public static RandomTestModel Create(int seed)
    {
        var random = new Random(seed);
        var builder = new Builder(random);
        int convBlocks = random.Next(1, 3);
        for (int b = 0; b < convBlocks; b++)
        {
            builder.AddConv(Pick(random, Precisions));
            if (random.Next(3) > 0)
            {
                builder.AddPool(random.Next(2) == 0);
            }
        }

        if (random.Next(3) == 0)
        {
            // Pads draw from a stream of their own and only go before a global pool (whose output length ignores height
            // and width), so every other draw, and with it every model's layers and weights, stays what it was without
            // them: the power check below is calibrated on those models.
            var pads = new Random(seed + 7919);
            if (pads.Next(2) == 0)
            {
                builder.AddPad(pads);
            }

            builder.AddGlobalAveragePool();
        }
        else
        {
            builder.AddFlatten(random.Next(2) == 0 ? FlattenOrder.Hwc : FlattenOrder.Chw);
        }

        if (random.Next(2) == 0)
        {
            builder.AddDense(Pick(random, Precisions), random.Next(3, 9), PickActivation(random));
        }

        int classes = random.Next(2, 6);
        builder.AddDense(Pick(random, Precisions), classes, Activation.None);
        if (random.Next(2) == 0)
        {
            builder.AddSoftmax();
        }

        return builder.Build(seed, classes);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static Activation PickActivation(Random random) => (Activation)random.Next(3);

    private sealed class Builder
    {
        private const int CalibrationInputs = 24;

        private readonly Random random;
        private readonly List<Layer> layers = [];
        private readonly List<ReferenceStep> steps = [];
        private readonly HashSet<string> features = [];
        private readonly TensorShape inputShape;
        private readonly InputLayout inputLayout;
        private readonly List<ReferenceTensor> calibration = [];
        private QuantParams? inputQuant;
        private TensorShape shape;
        private QuantParams? quant; // the current tensor's quantization; null when it is float32

        public Builder(Random random)
        {
            this.random = random;
            inputShape = TensorShape.Image(random.Next(4, 10), random.Next(4, 10), random.Next(1, 4));
            inputLayout = random.Next(2) == 0 ? InputLayout.Hwc : InputLayout.Chw;
            features.Add("input/" + inputLayout);
            shape = inputShape;
            for (int i = 0; i < CalibrationInputs; i++)
            {
                var x = RandomTestModel.RandomInput(random, inputShape);
                calibration.Add(new ReferenceTensor(inputShape, x.Select(v => (double)v).ToArray(), new double[x.Length]));
            }
        }

        public void AddConv(Precision precision)
        {
            EnsureKind(precision == Precision.Int8);
            int filters = random.Next(1, 5);
            int kernel = random.Next(1, 4);
            int stride = random.Next(1, 3);
            var padding = kernel <= Math.Min(shape.Height, shape.Width) && random.Next(2) == 0 ? Padding.Valid : Padding.Same;
            var activation = PickActivation(random);
            int outH = OutputSize(shape.Height, kernel, stride, padding), outW = OutputSize(shape.Width, kernel, stride, padding);
            var outShape = TensorShape.Image(outH, outW, filters);
            int perFilter = shape.Channels * kernel * kernel;
            var (weights, realWeights, realBias) = MakeWeights(precision, filters, perFilter);
            features.Add($"Conv2D/{precision}");
            features.Add($"Conv2D/{padding}");
            features.Add($"Conv2D/stride{stride}");
            features.Add($"{precision == Precision.Int8}/{activation}");
            var step = new ConvolutionStep(realWeights, realBias, kernel, kernel, stride, padding, activation, outShape, null);
            var outQuant = precision == Precision.Int8 ? Calibrate(step) : (QuantParams?)null;
            var finalStep = new ConvolutionStep(realWeights, realBias, kernel, kernel, stride, padding, activation, outShape, outQuant);
            Add(new Conv2DLayer($"conv{layers.Count}", filters, kernel, kernel, stride, stride, padding, activation, weights, outQuant), finalStep, outShape, outQuant);
        }

        public void AddDense(Precision precision, int units, Activation activation)
        {
            EnsureKind(precision == Precision.Int8);
            var (weights, realWeights, realBias) = MakeWeights(precision, units, shape.Length);
            features.Add($"Dense/{precision}");
            features.Add($"{precision == Precision.Int8}/{activation}");
            var outShape = TensorShape.Vector(units);
            var asImage = TensorShape.Image(1, 1, units);

            // A dense layer is a 1x1 convolution over a 1x1 image whose channels are the inputs.
            ReferenceStep Step(QuantParams? q) => new VectorStep(new ConvolutionStep(realWeights, realBias, 1, 1, 1, Padding.Valid, activation, asImage, q));
            var outQuant = precision == Precision.Int8 ? Calibrate(Step(null)) : (QuantParams?)null;
            Add(new DenseLayer($"dense{layers.Count}", units, activation, weights, outQuant), Step(outQuant), outShape, outQuant);
        }

        public void AddPool(bool isMax)
        {
            int size = random.Next(2, 4);
            int stride = random.Next(1, 3);
            var padding = size <= Math.Min(shape.Height, shape.Width) && random.Next(2) == 0 ? Padding.Valid : Padding.Same;
            var outShape = TensorShape.Image(OutputSize(shape.Height, size, stride, padding), OutputSize(shape.Width, size, stride, padding), shape.Channels);
            features.Add($"{(isMax ? "MaxPool" : "AveragePool")}/{Kind}");
            features.Add($"Pool/{padding}");
            Add(new Pool2DLayer($"pool{layers.Count}", isMax, size, size, stride, stride, padding), new PoolStep(isMax, size, stride, padding, outShape, quant), outShape, quant);
        }

        public void AddGlobalAveragePool()
        {
            features.Add($"GlobalAveragePool/{Kind}");
            Add(new GlobalAveragePoolLayer($"gap{layers.Count}"), new AveragePoolStep(quant), TensorShape.Vector(shape.Channels), quant);
        }

        public void AddPad(Random amounts)
        {
            int top = amounts.Next(0, 3), bottom = amounts.Next(0, 3), left = amounts.Next(0, 3), right = amounts.Next(0, 3);
            var outShape = TensorShape.Image(top + shape.Height + bottom, left + shape.Width + right, shape.Channels);
            features.Add($"Pad/{Kind}");
            Add(new PadLayer($"pad{layers.Count}", top, bottom, left, right), new PadStep(top, bottom, left, right), outShape, quant);
        }

        public void AddFlatten(FlattenOrder order)
        {
            features.Add($"Flatten/{order}/{Kind}");
            Add(new FlattenLayer($"flatten{layers.Count}", order), new FlattenStep(order), TensorShape.Vector(shape.Length), quant);
        }

        public void AddSoftmax()
        {
            features.Add("Softmax");
            layers.Add(new SoftmaxLayer($"softmax{layers.Count}"));
        }

        public RandomTestModel Build(int seed, int classes)
        {
            var labels = Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray();
            var model = new QModel($"Random{seed}", inputShape, inputLayout, new Preprocessing(1f / 255, 0f), inputQuant, labels, [], layers);
            var description = $"seed {seed}: input {inputShape} {inputLayout}{(inputQuant is { } q ? $" q({q.Scale}, {q.ZeroPoint})" : "")}; " +
                string.Join(", ", layers.Select(Describe));
            return new RandomTestModel(model, steps, features, description);
        }

        private string Kind => quant is null ? "float" : "int8";

        /// <summary>Quantizes (at the network input or with a quantize layer) or dequantizes so the next layer gets its kind.</summary>
        private void EnsureKind(bool int8)
        {
            if (int8 && quant is null)
            {
                var q = ChooseQuant(calibration);
                var finalStep = new QuantizeStep(q);
                if (layers.Count == 0 && random.Next(3) > 0)
                {
                    features.Add("input/int8");
                    inputQuant = q;
                    steps.Add(finalStep);
                    Advance(finalStep, shape, q);
                }
                else
                {
                    features.Add("Quantize");
                    Add(new QuantizeLayer($"quantize{layers.Count}", q), finalStep, shape, q);
                }
            }
            else if (!int8 && quant is not null)
            {
                features.Add("Dequantize");
                Add(new DequantizeLayer($"dequantize{layers.Count}"), new DequantizeStep(), shape, null);
            }
        }

        private void Add(Layer layer, ReferenceStep step, TensorShape outShape, QuantParams? outQuant)
        {
            layers.Add(layer);
            steps.Add(step);
            Advance(step, outShape, outQuant);
        }

        private void Advance(ReferenceStep step, TensorShape outShape, QuantParams? outQuant)
        {
            for (int i = 0; i < calibration.Count; i++)
            {
                calibration[i] = step.Forward(calibration[i]);
            }

            shape = outShape;
            quant = outQuant;
        }

        /// <summary>Runs the step (built without output quantization) on the calibration set and picks a quantization covering it.</summary>
        private QuantParams Calibrate(ReferenceStep step) => ChooseQuant(calibration.Select(step.Forward).ToList());

        private static QuantParams ChooseQuant(List<ReferenceTensor> tensors)
        {
            double lo = Math.Min(0, tensors.Min(t => t.Value.Min()));
            double hi = Math.Max(0, tensors.Max(t => t.Value.Max()));
            if (hi - lo < 1e-3)
            {
                hi = lo + 1e-3;
            }

            float scale = (float)((hi - lo) / 255);
            int zeroPoint = Math.Clamp((int)Math.Round(-128 - (lo / scale)), -128, 127);
            return new QuantParams(scale, zeroPoint);
        }

        /// <summary>Random float weights (He-like scale) in the layer's precision, and the real values the reference uses.</summary>
        private (WeightData Weights, double[] Real, double[] RealBias) MakeWeights(Precision precision, int outputs, int perOutput)
        {
            var w = new float[outputs * perOutput];
            var b = new float[outputs];
            double std = Math.Sqrt(2.0 / perOutput);
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)(Normal() * std);
            }

            for (int i = 0; i < b.Length; i++)
            {
                b[i] = (float)(Normal() * 0.1);
            }

            var real = new double[w.Length];
            var realBias = b.Select(v => (double)v).ToArray();
            switch (precision)
            {
                case Precision.Float32:
                    for (int i = 0; i < w.Length; i++)
                    {
                        real[i] = w[i];
                    }

                    return (new Float32Weights(w, b), real, realBias);

                case Precision.Float16:
                {
                    var bits = new ushort[w.Length];
                    for (int i = 0; i < w.Length; i++)
                    {
                        var half = (Half)w[i];
                        bits[i] = BitConverter.HalfToUInt16Bits(half);
                        real[i] = (double)(float)half;
                    }

                    return (new Float16Weights(bits, b), real, realBias);
                }

                case Precision.DynamicInt8:
                {
                    var (values, scales) = QuantizePerChannel(w, outputs, perOutput);
                    for (int i = 0; i < w.Length; i++)
                    {
                        real[i] = (float)values[i] * scales[i / perOutput]; // the float32 product the layer uses
                    }

                    return (new DynamicInt8Weights(values, scales, b), real, realBias);
                }

                default:
                {
                    var (values, scales) = QuantizePerChannel(w, outputs, perOutput);
                    float inputScale = quant!.Value.Scale;
                    var bias = new int[outputs];
                    for (int c = 0; c < outputs; c++)
                    {
                        double biasScale = (double)inputScale * scales[c];
                        bias[c] = (int)Math.Round(b[c] / biasScale);
                        realBias[c] = bias[c] * biasScale;
                    }

                    for (int i = 0; i < w.Length; i++)
                    {
                        real[i] = values[i] * (double)scales[i / perOutput];
                    }

                    return (new Int8Weights(values, scales, bias), real, realBias);
                }
            }
        }

        private static (sbyte[] Values, float[] Scales) QuantizePerChannel(float[] w, int outputs, int perOutput)
        {
            var values = new sbyte[w.Length];
            var scales = new float[outputs];
            for (int c = 0; c < outputs; c++)
            {
                float max = 0;
                for (int i = 0; i < perOutput; i++)
                {
                    max = Math.Max(max, Math.Abs(w[c * perOutput + i]));
                }

                scales[c] = max > 0 ? max / 127 : 1f;
                for (int i = 0; i < perOutput; i++)
                {
                    values[c * perOutput + i] = (sbyte)Math.Clamp(Math.Round(w[c * perOutput + i] / scales[c]), -127, 127);
                }
            }

            return (values, scales);
        }

        private double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        private static int OutputSize(int input, int kernel, int stride, Padding padding) =>
            padding == Padding.Valid ? (input - kernel) / stride + 1 : (input + stride - 1) / stride;

        private static string Describe(Layer layer) => layer switch
        {
            Conv2DLayer c => $"conv {c.Filters}x{c.KernelHeight}x{c.KernelWidth}/{c.StrideHeight} {c.Padding} {c.Activation} {c.Precision}",
            DenseLayer d => $"dense {d.Units} {d.Activation} {d.Precision}",
            Pool2DLayer p => $"{(p.IsMax ? "max" : "avg")}pool {p.PoolHeight}/{p.StrideHeight} {p.Padding}",
            FlattenLayer f => $"flatten {f.Order}",
            PadLayer p => $"pad {p.Top} {p.Bottom} {p.Left} {p.Right}",
            QuantizeLayer q => $"quantize({q.Output.Scale}, {q.Output.ZeroPoint})",
            _ => layer.Op.ToString(),
        };
    }
}
