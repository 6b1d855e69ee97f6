using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ModelCompiler.Format;

namespace ModelCompiler.Onnx.Tests;

/// <summary>How the ONNX tests run an exported model in ONNX Runtime: fully optimised, one thread, NCHW input.</summary>
internal static class OnnxRuntimeRunner
{
    public static SessionOptions Options() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = 1,
    };

    /// <summary>Runs an HWC image (as the interpreter takes it) through the exported graph's NCHW input.</summary>
    public static float[] Run(InferenceSession session, QModel model, float[] hwc)
    {
        var shape = model.InputShape;
        var nchw = new DenseTensor<float>([1, shape.Channels, shape.Height, shape.Width]);
        for (int h = 0; h < shape.Height; h++)
        {
            for (int w = 0; w < shape.Width; w++)
            {
                for (int c = 0; c < shape.Channels; c++)
                {
                    nchw[0, c, h, w] = hwc[(h * shape.Width + w) * shape.Channels + c];
                }
            }
        }

        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", nchw)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    public static float[] RandomImage(Random random, QModel model) =>
        Enumerable.Range(0, model.InputShape.Length).Select(_ => random.Next(256) / 255f).ToArray();
}
