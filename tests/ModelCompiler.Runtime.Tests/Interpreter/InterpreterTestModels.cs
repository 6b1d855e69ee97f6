using ModelCompiler.Format;

namespace ModelCompiler.Runtime.Tests.Interpreter;

/// <summary>
/// Seeded generator of random small models of every op and precision. Weights are random floats; int8 layers get
/// per-channel symmetric weights and int32 bias at s_in * s_w; every int8 tensor's scale and zero point come from
/// the range the reference network reaches on random calibration inputs (so the generator builds the model and its
/// reference twin layer by layer). Some models are graphs: residual blocks over images (a depthwise or convolution branch
/// added back to the tensor it started from) and over vectors (a dense layer added to its input).
/// </summary>
internal static class InterpreterTestModels
{
    private static readonly Precision[] Precisions = [Precision.Int8, Precision.Float32, Precision.DynamicInt8, Precision.Float16];

    public static RandomTestModel Create(int seed)
    {
        var random = new Random(seed);
        var builder = new Builder(random);
        // At most one residual block: every layer of a branch adds its worst-case error to the skip's, and deeper random
        // graphs get bounds too loose for TheBoundIsTightEnoughToRejectAWrongAnswer to mean anything.
        int convBlocks = random.Next(1, 3);
        bool residual = false;
        for (int b = 0; b < convBlocks; b++)
        {
            switch (random.Next(5))
            {
                case 0 or 1: builder.AddConv(Pick(random, Precisions)); break;
                case 2: builder.AddDepthwise(Pick(random, Precisions)); break;
                default:
                    if (residual)
                    {
                        builder.AddDepthwise(Pick(random, Precisions));
                    }
                    else
                    {
                        builder.AddResidualBlock();
                        residual = true;
                    }

                    break;
            }

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

        if (random.Next(6) == 0)
        {
            builder.AddVectorResidual(Pick(random, Precisions));
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
        private readonly List<ReferenceNode> steps = [];
        private readonly HashSet<string> features = [];
        private readonly TensorShape inputShape;
        private readonly InputLayout inputLayout;

        /// <summary>Per reference tensor (0: the raw input, k + 1: step k's output): its value on each calibration input.</summary>
        private readonly List<List<ReferenceTensor>> calibration = [];

        /// <summary>Per reference tensor: the name layers read it by (the model input is 'input', quantized or not).</summary>
        private readonly List<string> names = [ModelGraph.InputName];

        private readonly List<QuantParams?> quants = [null];
        private QuantParams? inputQuant;
        private bool inputRead; // a residual reads the model input by name: it may no longer become int8
        private int current; // the reference tensor the next layer reads
        private TensorShape shape;
        private QuantParams? quant; // the current tensor's quantization; null when it is float32

        public Builder(Random random)
        {
            this.random = random;
            inputShape = TensorShape.Image(random.Next(4, 10), random.Next(4, 10), random.Next(1, 4));
            inputLayout = random.Next(2) == 0 ? InputLayout.Hwc : InputLayout.Chw;
            features.Add("input/" + inputLayout);
            shape = inputShape;
            calibration.Add([]);
            for (int i = 0; i < CalibrationInputs; i++)
            {
                var x = RandomTestModel.RandomInput(random, inputShape);
                calibration[0].Add(new ReferenceTensor(inputShape, x.Select(v => (double)v).ToArray(), new double[x.Length]));
            }
        }

        /// <summary>A convolution; <paramref name="keepShape"/> makes it stride 1, same padding, as many filters as channels.</summary>
        public void AddConv(Precision precision, bool keepShape = false)
        {
            EnsureKind(precision == Precision.Int8);
            int filters = keepShape ? shape.Channels : random.Next(1, 5);
            int kernel = random.Next(1, 4);
            int stride = keepShape ? 1 : random.Next(1, 3);
            var padding = !keepShape && kernel <= Math.Min(shape.Height, shape.Width) && random.Next(2) == 0 ? Padding.Valid : Padding.Same;
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
            var outQuant = precision == Precision.Int8 ? Calibrate(step, current) : (QuantParams?)null;
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
            var outQuant = precision == Precision.Int8 ? Calibrate(Step(null), current) : (QuantParams?)null;
            Add(new DenseLayer($"dense{layers.Count}", units, activation, weights, outQuant), Step(outQuant), outShape, outQuant);
        }

        /// <summary>A depthwise convolution; <paramref name="keepShape"/> makes it stride 1 with same padding.</summary>
        public void AddDepthwise(Precision precision, bool keepShape = false)
        {
            EnsureKind(precision == Precision.Int8);
            int channels = shape.Channels;
            int kernel = random.Next(1, 4);
            int stride = keepShape ? 1 : random.Next(1, 3);
            var padding = !keepShape && kernel <= Math.Min(shape.Height, shape.Width) && random.Next(2) == 0 ? Padding.Valid : Padding.Same;
            var activation = PickActivation(random);
            var outShape = TensorShape.Image(OutputSize(shape.Height, kernel, stride, padding), OutputSize(shape.Width, kernel, stride, padding), channels);
            var (weights, realWeights, realBias) = MakeWeights(precision, channels, kernel * kernel);
            features.Add($"DepthwiseConv2D/{precision}");
            features.Add($"DepthwiseConv2D/{padding}");
            features.Add($"DepthwiseConv2D/stride{stride}");
            features.Add($"{precision == Precision.Int8}/{activation}");
            // The reference computes the depthwise layer as the full convolution it is: filter c applies to input
            // channel c, every other input channel has weight 0 (no error term, a slightly looser float32 bound).
            var full = new double[channels * channels * kernel * kernel];
            for (int c = 0; c < channels; c++)
            {
                Array.Copy(realWeights, c * kernel * kernel, full, ((c * channels) + c) * kernel * kernel, kernel * kernel);
            }

            var outQuant = precision == Precision.Int8
                ? Calibrate(new ConvolutionStep(full, realBias, kernel, kernel, stride, padding, activation, outShape, null), current)
                : (QuantParams?)null;
            var step = new ConvolutionStep(full, realBias, kernel, kernel, stride, padding, activation, outShape, outQuant);
            Add(new DepthwiseConv2DLayer($"dw{layers.Count}", kernel, kernel, stride, stride, padding, activation, weights, outQuant), step, outShape, outQuant);
        }

        /// <summary>
        /// A branch of one or two shape-keeping convolutions (depthwise or not) from the current tensor, added back to it:
        /// that tensor feeds the branch and the addition.
        /// </summary>
        public void AddResidualBlock()
        {
            bool int8 = random.Next(2) == 0;
            var precisions = int8 ? new[] { Precision.Int8 } : [Precision.Float32, Precision.DynamicInt8, Precision.Float16];
            EnsureKind(int8);
            int skip = current;
            int branch = random.Next(4) == 0 ? 2 : 1;
            for (int i = 0; i < branch; i++)
            {
                if (random.Next(2) == 0)
                {
                    AddDepthwise(Pick(random, precisions), keepShape: true);
                }
                else
                {
                    AddConv(Pick(random, precisions), keepShape: true);
                }
            }

            AddAddition(skip, $"image/{(skip == 0 || names[skip] == ModelGraph.InputName ? "input" : "layer")}");
        }

        /// <summary>A dense layer as long as its input, added to that input.</summary>
        public void AddVectorResidual(Precision precision)
        {
            int skip = current;
            AddDense(precision, shape.Length, PickActivation(random));
            AddAddition(skip, "vector");
        }

        /// <summary>The addition of tensor <paramref name="skip"/> and the current one (in either order), of <paramref name="skip"/>'s element type.</summary>
        private void AddAddition(int skip, string feature)
        {
            var skipQuant = QuantOf(skip);
            EnsureKind(skipQuant is not null);
            inputRead |= names[skip] == ModelGraph.InputName;
            int[] reads = random.Next(2) == 0 ? [skip, current] : [current, skip];
            var (first, second) = (QuantOf(reads[0]), QuantOf(reads[1]));
            var activation = PickActivation(random);
            var outQuant = skipQuant is null ? (QuantParams?)null : ChooseQuant(Forward(new AddStep(activation, first, second, null), reads));
            features.Add($"Add/{Kind}");
            features.Add($"Add/{feature}");
            features.Add($"Add/{Kind}/{activation}");
            if (first is { } a && second is { } b)
            {
                features.Add(a.Scale > b.Scale ? "Add/first scale larger" : "Add/second scale larger");
            }

            var add = new AddLayer($"add{layers.Count}", activation, outQuant) { Inputs = [names[reads[0]], names[reads[1]]] };
            Add(add, new AddStep(activation, first, second, outQuant), reads, shape, outQuant);
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

        private QuantParams? QuantOf(int tensor) => quants[tensor];

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
                var q = ChooseQuant(calibration[current]);
                var finalStep = new QuantizeStep(q);
                if (layers.Count == 0 && !inputRead && random.Next(3) > 0)
                {
                    features.Add("input/int8");
                    inputQuant = q;
                    Append(new ReferenceNode(finalStep, [current]), ModelGraph.InputName, shape, q);
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

        private void Add(Layer layer, ReferenceStep step, TensorShape outShape, QuantParams? outQuant) => Add(layer, step, [current], outShape, outQuant);

        private void Add(Layer layer, ReferenceStep step, int[] reads, TensorShape outShape, QuantParams? outQuant)
        {
            layers.Add(layer);
            Append(new ReferenceNode(step, reads), layer.Name, outShape, outQuant);
        }

        /// <summary>A new reference tensor, computed on the calibration inputs; it becomes the current one.</summary>
        private void Append(ReferenceNode node, string name, TensorShape outShape, QuantParams? outQuant)
        {
            steps.Add(node);
            calibration.Add(Forward(node.Step, node.Reads));
            names.Add(name);
            quants.Add(outQuant);
            current = calibration.Count - 1;
            shape = outShape;
            quant = outQuant;
        }

        /// <summary>The step on the calibration values of the tensors it reads.</summary>
        private List<ReferenceTensor> Forward(ReferenceStep step, int[] reads) =>
            Enumerable.Range(0, CalibrationInputs).Select(k => step.Forward(reads.Select(t => calibration[t][k]).ToArray())).ToList();

        /// <summary>Runs the step (built without output quantization) on the calibration set and picks a quantization covering it.</summary>
        private QuantParams Calibrate(ReferenceStep step, int input) => ChooseQuant(Forward(step, [input]));

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
            DepthwiseConv2DLayer d => $"depthwise {d.KernelHeight}x{d.KernelWidth}/{d.StrideHeight} {d.Padding} {d.Activation} {d.Precision}",
            AddLayer a => $"add({string.Join(", ", a.Inputs)}) {a.Activation}{(a.OutputQuant is { } q ? $" q({q.Scale}, {q.ZeroPoint})" : "")}",
            DenseLayer d => $"dense {d.Units} {d.Activation} {d.Precision}",
            Pool2DLayer p => $"{(p.IsMax ? "max" : "avg")}pool {p.PoolHeight}/{p.StrideHeight} {p.Padding}",
            FlattenLayer f => $"flatten {f.Order}",
            PadLayer p => $"pad {p.Top} {p.Bottom} {p.Left} {p.Right}",
            QuantizeLayer q => $"quantize({q.Output.Scale}, {q.Output.ZeroPoint})",
            _ => layer.Op.ToString(),
        };
    }
}
