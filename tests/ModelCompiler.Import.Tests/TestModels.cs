namespace ModelCompiler.Import.Tests;

/// <summary>Paths of the committed test models (copied next to the test assembly from tests/models).</summary>
internal static class TestModels
{
    public static string Path(string relative)
    {
        string path = System.IO.Path.Combine(AppContext.BaseDirectory, "models", relative);
        Assert.True(File.Exists(path), $"test model missing: {path}");
        return path;
    }

    public static string MobileNetV2 => Path("tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite");

    public static string MobileNetV1 => Path("tflite/mobilenet_v1_0.25_128_quant.tflite");

    public static string Labels => Path("tflite/imagenet_labels.txt");

    /// <summary>The shared README's test photograph (MobileNetV2 says "military uniform").</summary>
    public static string GraceHopper => Path("tflite/grace_hopper.bmp");

    public static string OnnxFloat => Path("onnx/pytorch-cnn-float.onnx");

    public static string OnnxQdq => Path("onnx/pytorch-cnn-qdq.onnx");

    public static string Crafted(string name) => Path($"tflite/crafted/{name}.tflite");
}
