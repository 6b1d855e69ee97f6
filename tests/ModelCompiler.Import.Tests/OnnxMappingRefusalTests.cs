using Google.Protobuf;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.IO;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// What the QDQ mapping cannot represent, each one clear problem naming the node and the attribute: our export of
/// the Fashion sample with one thing changed, and the files PyTorch wrote.
/// </summary>
public sealed class OnnxMappingRefusalTests
{
    private static QModel Fashion() => QModelFile.Read(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "models", "..", "..", "..", "..", "..", "..", "samples", "FashionClassifier", "fashion.qmodel")));

    private static IReadOnlyList<ImportProblem> Refuse(Action<ModelProto> change) =>
        Assert.Throws<ModelImportException>(() => OnnxRoundTripTests.Import(Fashion(), out _, change)).Problems;

    private static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);

    /// <summary>One weight zero point per layer is the format's <c>weight_zero_point</c> (OnnxRoundTripTests); per-channel ones that differ are not.</summary>
    [Fact]
    public void PerChannelWeightZeroPointsThatDiffer()
    {
        var problems = Refuse(m => Initializer(m, "conv1_w_zp").RawData = ByteString.CopyFrom([.. Enumerable.Range(0, 32).Select(i => (byte)(i % 3))]));
        Refusals.AssertSingle(problems, "operator 4 (Conv 'conv1_Conv')", "input 1 'conv1_w'", "x_zero_point holds 32 per-channel zero points (0, 1, 2, ...)");
    }

    /// <summary>uint8 weights centred at 128 are symmetric: a 0 (w − zw = -128) is outside the format's int8 range.</summary>
    [Fact]
    public void AUInt8WeightOfZeroAtZeroPoint128()
    {
        var problems = Refuse(m =>
        {
            var weights = Initializer(m, "dense2_w_q");
            var zeroPoint = Initializer(m, "dense2_w_zp");
            weights.DataType = zeroPoint.DataType = (int)TensorProto.Types.DataType.Uint8;
            var bytes = weights.RawData.Select(b => (byte)(b ^ 0x80)).ToArray();
            bytes[5] = 0;
            weights.RawData = ByteString.CopyFrom(bytes);
            zeroPoint.RawData = ByteString.CopyFrom([.. zeroPoint.RawData.Select(b => (byte)(b ^ 0x80))]);
        });
        Refusals.AssertSingle(problems, "operator", "input 1 'dense2_w'", "weight 5 is 0 with zero point 128");
    }

    [Fact]
    public void AWeightOfMinus128()
    {
        var problems = Refuse(m =>
        {
            var weights = Initializer(m, "dense2_w_q");
            var bytes = weights.RawData.ToByteArray();
            bytes[5] = 0x80;
            weights.RawData = ByteString.CopyFrom(bytes);
        });
        Refusals.AssertSingle(problems, "operator", "input 1 'dense2_w'", "weight 5 is -128");
    }

    [Fact]
    public void PerChannelActivations()
    {
        var problems = Refuse(m =>
        {
            var q = m.Graph.Node.First(n => n.OpType == "QuantizeLinear" && n.Input[0].StartsWith("conv1", StringComparison.Ordinal));
            var scale = Initializer(m, q.Input[1]);
            scale.Dims.Add(2);
            scale.RawData = ByteString.CopyFrom([.. scale.RawData, .. scale.RawData]);
            var zero = Initializer(m, q.Input[2]);
            zero.Dims.Add(2);
            zero.RawData = ByteString.CopyFrom([.. zero.RawData, .. zero.RawData]);
        });
        Assert.Contains(problems, p => p.Message.Contains("scales", StringComparison.Ordinal));
    }

    /// <summary>fbgemm's weight range [-128, 127] gives -128s, which the format cannot hold: one problem, at the first.</summary>
    [Fact]
    public void PyTorchsFbgemmQdqExport()
    {
        var error = Assert.Throws<ModelImportException>(() => QModelImport.Import(TestModels.OnnxQdq, new ImportOptions()));
        Refusals.AssertSingle(error.Problems, "operator 4 (Conv '/conv1/Conv')", "input 1 '/conv1/weight_fake_quant/DequantizeLinear_output_0'", "weight 12 is -128");
    }
}
