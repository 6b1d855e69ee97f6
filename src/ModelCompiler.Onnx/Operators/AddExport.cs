using ModelCompiler.Format;

namespace ModelCompiler.Onnx;

/// <summary>
/// Addition as <c>Add</c> of the two input values, then the activation and (QDQ) the output's Q/DQ pair. Each input
/// already ends in the Q/DQ pair of its own quantization, so ONNX Runtime sees DQ, DQ, Add, Q and fuses them into
/// QLinearAdd, which requantizes in float: results agree with the int8 interpreter up to rounding (argmax level).
/// </summary>
internal sealed class AddExport : LayerExport<AddLayer>
{
    protected override string Export(LayerExportContext context, AddLayer add)
    {
        string y = context.Graph.Node("Add", add.Name, [context.Inputs[0], context.Inputs[1]]);
        return context.Activate(y, add.Name, add.Activation, add.OutputQuant);
    }
}
