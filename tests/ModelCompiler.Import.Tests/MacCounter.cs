namespace ModelCompiler.Import.Tests;

/// <summary>Multiply-accumulates of a model's convolutions and fully connected layers, computed from the IR's shapes.</summary>
internal static class MacCounter
{
    public static long Count(SourceModel model)
    {
        long macs = 0;
        foreach (var op in model.Operators)
        {
            var output = model.Tensors[op.Outputs[0]].Shape!;
            var weights = op.Inputs.Count > 1 && op.Inputs[1] >= 0 ? model.Tensors[op.Inputs[1]].Shape : null;
            macs += op.Type switch
            {
                // NHWC output [1, H, W, O]; filter [O, KH, KW, I]
                "CONV_2D" => (long)output[1] * output[2] * output[3] * weights![1] * weights[2] * weights[3],
                // filter [1, KH, KW, C]
                "DEPTHWISE_CONV_2D" => (long)output[1] * output[2] * output[3] * weights![1] * weights[2],
                "FULLY_CONNECTED" => (long)weights![0] * weights[1],
                _ => 0,
            };
        }

        return macs;
    }
}
