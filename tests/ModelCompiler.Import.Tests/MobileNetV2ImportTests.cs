using ModelCompiler.Format;
using ModelCompiler.Imaging;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Import.Tests;

/// <summary>The shared MobileNetV2 (TFLite int8 per-channel, written by TensorFlow's converter) imported into a <c>.qmodel</c>.</summary>
public sealed class MobileNetV2ImportTests
{
    private static readonly Lazy<ImportedModel> Imported = new(() =>
        QModelImport.Import(TestModels.MobileNetV2, new ImportOptions(Labels: ClassLabels.Read(TestModels.Labels))));

    private static readonly Lazy<SourceModel> Source = new(() => ModelImporter.Read(TestModels.MobileNetV2));

    [Fact]
    public void EveryOperatorIsMappedFoldedOrDropped()
    {
        var report = Imported.Value.Report;
        Assert.Equal(36 + 17 + 10 + 1 + 1, report.Mapped.Count);
        Assert.Equal(2, report.Folded.Count);
        Assert.Contains("RESHAPE", Assert.Single(report.Dropped));
        Assert.Equal(Source.Value.Operators.Count, report.Mapped.Count + report.Folded.Count + report.Dropped.Count);
        // The MEAN rescales, and the format's integer mean computes it as TFLite does: no difference to report.
        Assert.DoesNotContain(report.Differences, d => d.Contains("MEAN"));
        Assert.Contains(report.Mapped, m => m.Contains("integer mean rescaling 0.023529412 to 0.019077832"));
        Assert.DoesNotContain(QModelImport.RoundingDifference, report.Differences);
        Assert.Contains(report.Notes, n => n.Contains("rounding tflite"));
        Assert.Equal(ModelCompiler.Format.Rounding.Tflite, Imported.Value.Model.Rounding);
    }

    /// <summary>
    /// TFLite's builtin int8 CONV_2D rounds once (ruy), its DEPTHWISE_CONV_2D and ADD twice: each imported convolution
    /// (the logits' 1x1 CONV_2D, imported as dense, included) says <c>rounding single</c> under the header's
    /// <c>rounding tflite</c>, and <c>--rounding</c> forces one rule everywhere.
    /// </summary>
    [Fact]
    public void ConvolutionsRoundOnceAndTheRestTwice()
    {
        var model = Imported.Value.Model;
        Assert.All(model.Layers.Where(l => l is Conv2DLayer or DenseLayer), l => Assert.Equal(ModelCompiler.Format.Rounding.Single, l.RoundingOverride));
        Assert.All(model.Layers.Where(l => l is not (Conv2DLayer or DenseLayer)), l => Assert.Null(l.RoundingOverride));
        Assert.Equal(36, Imported.Value.Report.Mapped.Count(m => m.Contains("rounds once (ruy)")));

        foreach (var forced in new[] { ModelCompiler.Format.Rounding.Single, ModelCompiler.Format.Rounding.Tflite })
        {
            var uniform = QModelImport.Import(TestModels.MobileNetV2, new ImportOptions(Rounding: forced)).Model;
            Assert.Equal(forced, uniform.Rounding);
            Assert.All(uniform.Layers, l => Assert.Null(l.RoundingOverride));
        }
    }

    [Fact]
    public void LayersAreTheSourcesOperatorsInTheFormat()
    {
        var model = Imported.Value.Model;
        var ops = model.Layers.GroupBy(l => l.Op).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(35, ops[LayerOp.Conv2D]);
        Assert.Equal(17, ops[LayerOp.DepthwiseConv2D]);
        Assert.Equal(10, ops[LayerOp.Add]);
        Assert.Equal(1, ops[LayerOp.Dense]);
        // The MEAN is one integer global_avgpool that rescales, with no dequantize/quantize around it.
        Assert.Equal(1, ops[LayerOp.GlobalAveragePool]);
        Assert.NotNull(model.Layers.OfType<GlobalAveragePoolLayer>().Single().OutputQuant);
        Assert.False(ops.ContainsKey(LayerOp.Dequantize));
        Assert.False(ops.ContainsKey(LayerOp.Quantize));
        Assert.IsType<SoftmaxLayer>(model.Layers[^1]);
        Assert.Equal(2, QModelWriter.FormatVersionOf(model));
        Assert.Equal(TensorShape.Image(224, 224, 3), model.InputShape);
        Assert.Equal(1001, model.Labels.Count);
        Assert.Equal("military uniform", model.Labels[653]);
        Assert.Equal("crane (2)", model.Labels.Last(l => l.StartsWith("crane", StringComparison.Ordinal)));
        Assert.Equal("Tf2MobilenetV210224Ptq", model.Name);
    }

    [Fact]
    public void EveryPixelValueGivesTheSourcesInt8Input()
    {
        // The model's uint8 input has scale 1/127.5, zero point 127 (real = (p - 127) / 127.5); QUANTIZE gives int8
        // with the same scale and zero point -1, i.e. p - 128. The preprocessing must give exactly that.
        var model = Imported.Value.Model;
        var quant = model.InputQuant!.Value;
        for (int p = 0; p < 256; p++)
        {
            float x = (p * model.Preprocessing.Scale) + model.Preprocessing.Offset;
            Assert.Equal(p - 128, Arithmetic.Quantizer.Quantize(x, quant.Scale, quant.ZeroPoint));
        }
    }

    [Fact]
    public void FiltersAreReorderedIntoTheFormatsLayout()
    {
        var source = Source.Value;
        var model = Imported.Value.Model;
        var firstConv = source.Operators.First(o => o.Type == "CONV_2D");
        var firstDepthwise = source.Operators.First(o => o.Type == "DEPTHWISE_CONV_2D");
        var conv = (Conv2DLayer)model.Layers.Single(l => l.Name == $"conv_{firstConv.Index}");
        var depthwise = (DepthwiseConv2DLayer)model.Layers.Single(l => l.Name == $"dwconv_{firstDepthwise.Index}");

        // CONV_2D OHWI [32, 3, 3, 3] -> OIHW; DEPTHWISE [1, 3, 3, 32] -> [32][1][3][3].
        var ohwi = source.Tensors[firstConv.Inputs[1]].ReadInt8();
        var oihw = ((Int8Weights)conv.Weights).Values;
        for (int o = 0; o < 32; o++)
        {
            for (int ky = 0; ky < 3; ky++)
            {
                for (int kx = 0; kx < 3; kx++)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        Assert.Equal(ohwi[(((o * 3) + ky) * 3 + kx) * 3 + i], oihw[(((o * 3) + i) * 3 + ky) * 3 + kx]);
                    }
                }
            }
        }

        var hwc = source.Tensors[firstDepthwise.Inputs[1]].ReadInt8();
        var chw = ((Int8Weights)depthwise.Weights).Values;
        for (int c = 0; c < 32; c++)
        {
            for (int k = 0; k < 9; k++)
            {
                Assert.Equal(hwc[k * 32 + c], chw[c * 9 + k]);
            }
        }

        Assert.Equal(source.Tensors[firstConv.Inputs[2]].ReadInt32(), ((Int8Weights)conv.Weights).Bias);
        Assert.Equal(source.Tensors[firstConv.Inputs[1]].Quantization!.Scales, ((Int8Weights)conv.Weights).Scales);
    }

    [Fact]
    public void TheInterpreterLabelsThePhotographMilitaryUniform()
    {
        var model = Imported.Value.Model;
        var pixels = ImageFile.ReadResized(TestModels.GraceHopper, 224, 224, 3).Pixels;
        var result = new ReferenceInterpreter(model).Run(pixels);
        Assert.Equal("military uniform", result.Label);
        Assert.Equal(653, result.ArgMax);
    }
}
