using System.Globalization;
using ModelCompiler.Benchmarks.Engines;
using ModelCompiler.Trainer.Data;

namespace ModelCompiler.Benchmarks;

/// <summary>
/// Is the int8 ONNX export faithful? ONNX Runtime on the exported int8 QDQ graph and the generated code (bit-exact
/// with the reference interpreter, so its accuracy is the <c>.qmodel</c>'s int8 accuracy) classify the 10,000
/// Fashion-MNIST test images; the two accuracies and their argmax agreement are printed and written to
/// onnx-accuracy.json. Only for the Fashion-MNIST model: the Intel photographs are not part of the repository, and the
/// Intel sample checks its compiled code against the reference interpreter on them itself (intel-classifier --verify-interpreter).
/// </summary>
public static class OnnxAccuracyCheck
{
    public static string? Run(BenchmarkModel model, string artifacts)
    {
        if (model != BenchmarkModel.Fashion || model.IsSynthetic)
        {
            return null;
        }

        var test = FashionMnist.Load(train: false);
        var pre = model.Model.Preprocessing;
        var x = new float[model.Model.InputShape.Length];
        using var ort = model.CreateEngine(EngineKind.OrtInt8);
        using var generated = model.CreateEngine(EngineKind.Generated);
        int ortCorrect = 0, generatedCorrect = 0, same = 0;
        for (int i = 0; i < test.Count; i++)
        {
            pre.Apply(test.Image(i), x);

            ort.SetInput(x);
            generated.SetInput(x);
            int a = ort.Predict(), b = generated.Predict();
            ortCorrect += a == test.Labels[i] ? 1 : 0;
            generatedCorrect += b == test.Labels[i] ? 1 : 0;
            same += a == b ? 1 : 0;
        }

        double ortAccuracy = 100.0 * ortCorrect / test.Count, qmodelAccuracy = 100.0 * generatedCorrect / test.Count, agreement = 100.0 * same / test.Count;
        string I(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        AtomicText.Write(Path.Combine(artifacts, "onnx-accuracy.json"),
            $"{{\n  \"model\": \"{model.Key}\",\n  \"test_images\": {test.Count},\n  \"ort_int8_accuracy\": {I(ortAccuracy)},\n"
            + $"  \"qmodel_int8_accuracy\": {I(qmodelAccuracy)},\n  \"argmax_agreement\": {I(agreement)}\n}}\n");
        return $"{model.Key} on the {test.Count:N0} Fashion-MNIST test images: ONNX Runtime int8 (exported QDQ) {I(ortAccuracy)} %, "
            + $".qmodel int8 (generated = reference interpreter) {I(qmodelAccuracy)} %, difference {I(Math.Abs(ortAccuracy - qmodelAccuracy))} points "
            + $"(target <= 0.20), argmax agreement {I(agreement)} %";
    }
}
