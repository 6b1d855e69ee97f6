using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using ModelCompiler.Benchmarks.Engines;
using ModelCompiler.Onnx;
using ModelCompiler.Onnx.Schema;

namespace ModelCompiler.Benchmarks;

/// <summary>The operators of ONNX Runtime's optimized graph for the int8 QDQ export.</summary>
public sealed record FusionResult(IReadOnlyDictionary<string, int> OpCounts, IReadOnlyList<string> FloatComputeOps)
{
    /// <summary>True when no convolution, matrix product or addition is left in float: ORT runs the model on its int8 kernels.</summary>
    public bool FullyFused => FloatComputeOps.Count == 0;
}

/// <summary>
/// Checks that the int8 peer runs at its best: a separate session with the timed sessions' options writes its
/// optimized graph (<c>OptimizedModelFilePath</c>), which must hold QLinearConv/QGemm (QLinearAdd for a graph's additions) and no float Conv/Gemm/Add.
/// </summary>
public static class OnnxFusionCheck
{
    private static readonly HashSet<string> FloatCompute = ["Conv", "FusedConv", "NhwcFusedConv", "Gemm", "FusedGemm", "MatMul", "FusedMatMul", "Add"];

    public static FusionResult Run(BenchmarkModel model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"{model.Key}-int8-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = OnnxRuntimeEngine.SingleThreadOptions())
            {
                options.OptimizedModelFilePath = path;
                // Only its warning that a graph optimized at this level is specific to this CPU, which is the point here.
                options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
                using var session = new InferenceSession(OnnxExporter.Export(model.Model, OnnxExportKind.QuantizedQdq).ToByteArray(), options);
            }

            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Select(n => n.OpType).ToList();
            var counts = ops.GroupBy(op => op).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
            return new FusionResult(counts, counts.Keys.Where(FloatCompute.Contains).ToList());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
