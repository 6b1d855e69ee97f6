using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>
/// Pad in constant mode with the default value 0 (opset 13 takes the amounts as an int64 input, NCHW begins then ends).
/// In the QDQ graph it pads the dequantized values, so the new cells are 0.0, which the Q/DQ pair after it (its input's
/// parameters, as the int8 tensor keeps them) stores as the zero point.
/// </summary>
internal sealed class PadExport : LayerExport<PadLayer>
{
    protected override string Export(LayerExportContext context, PadLayer pad)
    {
        string pads = context.Graph.Int64s(pad.Name + "_pads", [0, 0, pad.Top, pad.Left, 0, 0, pad.Bottom, pad.Right], 8);
        string y = context.Graph.Node("Pad", pad.Name, [context.Input, pads], OnnxGraphBuilder.String("mode", "constant"));
        return context.KeepQuantization(y, pad.Name);
    }
}
