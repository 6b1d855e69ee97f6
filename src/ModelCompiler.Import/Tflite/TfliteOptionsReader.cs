using ModelCompiler.Import.Tflite.Schema;

namespace ModelCompiler.Import.Tflite;

/// <summary>Decodes the builtin options of the TFLite operators the importer knows into <see cref="OperatorOptions"/>.</summary>
internal static class TfliteOptionsReader
{
    public static OperatorOptions Read(FlatTable op, string type, int[] inputs, IReadOnlyList<SourceTensor> tensors, string location, ImportProblems problems)
    {
        var context = new Context(op, type, inputs, tensors, location, problems);
        return type switch
        {
            nameof(BuiltinOperator.CONV_2D) => context.Options(BuiltinOptions.Conv2DOptions) is { } t ? Conv2D(t, context) : OperatorOptions.None,
            nameof(BuiltinOperator.DEPTHWISE_CONV_2D) => context.Options(BuiltinOptions.DepthwiseConv2DOptions) is { } t ? DepthwiseConv2D(t, context) : OperatorOptions.None,
            nameof(BuiltinOperator.AVERAGE_POOL_2D) or nameof(BuiltinOperator.MAX_POOL_2D) =>
                context.Options(BuiltinOptions.Pool2DOptions) is { } t ? Pool2D(t, context) : OperatorOptions.None,
            nameof(BuiltinOperator.FULLY_CONNECTED) => FullyConnected(context.Options(BuiltinOptions.FullyConnectedOptions, optional: true), context),
            nameof(BuiltinOperator.ADD) => new ElementwiseOptions(
                Activation(context.Options(BuiltinOptions.AddOptions, optional: true), AddOptionsField.FusedActivation, context)),
            nameof(BuiltinOperator.RESHAPE) => Reshape(context.Options(BuiltinOptions.ReshapeOptions, optional: true), context),
            nameof(BuiltinOperator.SOFTMAX) => context.Options(BuiltinOptions.SoftmaxOptions) is { } t
                ? new SoftmaxOptions(t.Float32(SoftmaxOptionsField.Beta, "beta"), -1)
                : OperatorOptions.None,
            nameof(BuiltinOperator.MEAN) => Mean(context.Options(BuiltinOptions.ReducerOptions, optional: true), context),
            _ => OperatorOptions.None,
        };
    }

    private static ConvolutionOptions Conv2D(FlatTable t, Context c)
    {
        // Filter [O, KH, KW, I].
        int[]? filter = c.Shape(1);
        return new ConvolutionOptions(
            Padding(t, Conv2DOptionsField.Padding, c),
            filter is { Length: 4 } ? filter[1] : 0,
            filter is { Length: 4 } ? filter[2] : 0,
            t.Int32(Conv2DOptionsField.StrideH, "stride_h"),
            t.Int32(Conv2DOptionsField.StrideW, "stride_w"),
            t.Int32(Conv2DOptionsField.DilationH, "dilation_h_factor", 1),
            t.Int32(Conv2DOptionsField.DilationW, "dilation_w_factor", 1),
            Groups: 1,
            DepthMultiplier: 1,
            Activation(t, Conv2DOptionsField.FusedActivation, c));
    }

    private static ConvolutionOptions DepthwiseConv2D(FlatTable t, Context c)
    {
        // Filter [1, KH, KW, C * multiplier]; input [N, H, W, C].
        int[]? filter = c.Shape(1);
        int[]? input = c.Shape(0);
        int channels = input is { Length: 4 } ? input[3] : 0;
        int multiplier = t.Int32(DepthwiseConv2DOptionsField.DepthMultiplier, "depth_multiplier");
        if (multiplier == 0 && channels > 0 && filter is { Length: 4 })
        {
            multiplier = filter[3] / channels; // newer converters may leave it 0: TFLite derives it from the shapes
        }

        return new ConvolutionOptions(
            Padding(t, DepthwiseConv2DOptionsField.Padding, c),
            filter is { Length: 4 } ? filter[1] : 0,
            filter is { Length: 4 } ? filter[2] : 0,
            t.Int32(DepthwiseConv2DOptionsField.StrideH, "stride_h"),
            t.Int32(DepthwiseConv2DOptionsField.StrideW, "stride_w"),
            t.Int32(DepthwiseConv2DOptionsField.DilationH, "dilation_h_factor", 1),
            t.Int32(DepthwiseConv2DOptionsField.DilationW, "dilation_w_factor", 1),
            Groups: channels,
            DepthMultiplier: multiplier,
            Activation(t, DepthwiseConv2DOptionsField.FusedActivation, c));
    }

    private static PoolOptions Pool2D(FlatTable t, Context c) => new(
        Padding(t, Pool2DOptionsField.Padding, c),
        t.Int32(Pool2DOptionsField.FilterHeight, "filter_height"),
        t.Int32(Pool2DOptionsField.FilterWidth, "filter_width"),
        t.Int32(Pool2DOptionsField.StrideH, "stride_h"),
        t.Int32(Pool2DOptionsField.StrideW, "stride_w"),
        DilationHeight: 1,
        DilationWidth: 1,
        Activation(t, Pool2DOptionsField.FusedActivation, c),
        CountIncludePad: false,
        CeilMode: false);

    private static FullyConnectedOptions FullyConnected(FlatTable? t, Context c)
    {
        byte format = t?.UInt8(FullyConnectedOptionsField.WeightsFormat, "weights_format") ?? 0;
        if (format != (byte)FullyConnectedOptionsWeightsFormat.DEFAULT)
        {
            c.Problems.Add(c.Location, "weights_format", $"{Name<FullyConnectedOptionsWeightsFormat>(format)} weights are not supported (only DEFAULT)");
        }

        return new FullyConnectedOptions(
            Activation(t, FullyConnectedOptionsField.FusedActivation, c),
            t?.Bool(FullyConnectedOptionsField.KeepNumDims, "keep_num_dims") ?? false,
            format != (byte)FullyConnectedOptionsWeightsFormat.DEFAULT,
            t?.Bool(FullyConnectedOptionsField.AsymmetricQuantizeInputs, "asymmetric_quantize_inputs") ?? false);
    }

    private static ReshapeOptions Reshape(FlatTable? t, Context c)
    {
        // The target shape: the constant second input if there is one (TFLite prefers it), else new_shape.
        if (c.Inputs.Length > 1 && c.Inputs[1] >= 0 && c.Tensors[c.Inputs[1]] is { IsConstant: true } shape
            && shape.Type is ElementType.Int32 or ElementType.Int64)
        {
            return new ReshapeOptions(shape.ReadIntegers(), AllowZero: false);
        }

        int[]? newShape = t?.Int32Vector(ReshapeOptionsField.NewShape, "new_shape");
        return new ReshapeOptions(newShape is null || (c.Inputs.Length > 1 && c.Inputs[1] >= 0) ? null : Array.ConvertAll(newShape, d => (long)d), AllowZero: false);
    }

    private static ReduceOptions Mean(FlatTable? t, Context c)
    {
        IReadOnlyList<int>? axes = null;
        if (c.Inputs.Length > 1 && c.Inputs[1] >= 0 && c.Tensors[c.Inputs[1]] is { IsConstant: true } a
            && a.Type is ElementType.Int32 or ElementType.Int64)
        {
            axes = Array.ConvertAll(a.ReadIntegers(), v => (int)v);
        }

        return new ReduceOptions(axes, t?.Bool(ReducerOptionsField.KeepDims, "keep_dims") ?? false);
    }

    private static Padding Padding(FlatTable t, int id, Context c)
    {
        sbyte value = t.Int8(id, "padding");
        switch ((Schema.Padding)value)
        {
            case Schema.Padding.SAME:
                return Import.Padding.Same;
            case Schema.Padding.VALID:
                return Import.Padding.Valid;
            default:
                c.Problems.Add(c.Location, "padding", $"unknown padding {value}");
                return Import.Padding.Valid;
        }
    }

    private static FusedActivation Activation(FlatTable? t, int id, Context c)
    {
        sbyte value = t?.Int8(id, "fused_activation_function") ?? 0;
        return (ActivationFunctionType)value switch
        {
            ActivationFunctionType.NONE => FusedActivation.None,
            ActivationFunctionType.RELU => FusedActivation.Relu,
            ActivationFunctionType.RELU_N1_TO_1 => FusedActivation.ReluN1To1,
            ActivationFunctionType.RELU6 => FusedActivation.Relu6,
            ActivationFunctionType.TANH => FusedActivation.Tanh,
            ActivationFunctionType.SIGN_BIT => FusedActivation.SignBit,
            _ => FusedActivation.Unknown,
        };
    }

    private static string Name<TEnum>(int value) where TEnum : struct, Enum =>
        Enum.GetName(typeof(TEnum), value) ?? value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Context(FlatTable Op, string Type, int[] Inputs, IReadOnlyList<SourceTensor> Tensors, string Location, ImportProblems Problems)
    {
        public int[]? Shape(int input) =>
            input < Inputs.Length && Inputs[input] >= 0 ? Tensors[Inputs[input]].Shape?.ToArray() : null;

        /// <summary>The builtin options table, checked to be of the kind the operator takes.</summary>
        public FlatTable? Options(BuiltinOptions expected, bool optional = false)
        {
            byte kind = Op.UInt8(OperatorField.BuiltinOptionsType, "builtin_options_type");
            if (kind == (byte)BuiltinOptions.NONE && !Op.Has(OperatorField.BuiltinOptions))
            {
                if (!optional)
                {
                    Problems.Add(Location, "builtin_options", $"missing {expected}");
                }

                return null;
            }

            if (kind != (byte)expected)
            {
                Problems.Add(Location, "builtin_options_type", $"{Name<BuiltinOptions>(kind)} where {expected} is expected");
                return null;
            }

            return Op.Table(OperatorField.BuiltinOptions, "builtin_options");
        }
    }
}
