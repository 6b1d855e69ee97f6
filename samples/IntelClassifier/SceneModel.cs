namespace ModelCompiler.Samples.Intel;

/// <summary>
/// One of the scene models compiled into this program (<c>--model</c>). Both take the same 100x100 RGB pixels and
/// give the same six labels; the generated classes are static, so the app reaches them through these delegates.
/// </summary>
internal sealed class SceneModel
{
    /// <summary>The seed's Sequential CNN, compiled from intel.qmodel (the default).</summary>
    public static readonly SceneModel Cnn = new(
        "cnn", nameof(IntelClassifier), "intel.qmodel", IntelClassifier.Labels, IntelClassifier.InputHeight, IntelClassifier.InputWidth, IntelClassifier.InputLength,
        IntelClassifier.Predict, IntelClassifier.PredictLogits, IntelClassifier.PredictProbabilities);

    /// <summary>The MobileNet-class graph (issue 12), compiled from intel-mobilenet.qmodel.</summary>
    public static readonly SceneModel MobileNet = new(
        "mobilenet", nameof(IntelMobileNet), "intel-mobilenet.qmodel", IntelMobileNet.Labels, IntelMobileNet.InputHeight, IntelMobileNet.InputWidth, IntelMobileNet.InputLength,
        IntelMobileNet.Predict, IntelMobileNet.PredictLogits, IntelMobileNet.PredictProbabilities);

    public static readonly IReadOnlyList<SceneModel> All = [Cnn, MobileNet];

    private readonly Classify predict;
    private readonly Score logits;
    private readonly Score probabilities;

    private SceneModel(
        string key, string className, string fileName, IReadOnlyList<string> labels, int inputHeight, int inputWidth, int inputLength,
        Classify predict, Score logits, Score probabilities)
    {
        Key = key;
        ClassName = className;
        FileName = fileName;
        Labels = labels;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputLength = inputLength;
        this.predict = predict;
        this.logits = logits;
        this.probabilities = probabilities;
    }

    private delegate int Classify(ReadOnlySpan<byte> pixels);

    private delegate void Score(ReadOnlySpan<byte> pixels, Span<float> scores);

    /// <summary>The <c>--model</c> value that selects it.</summary>
    public string Key { get; }

    /// <summary>The generated class, which is also the model's name in its .qmodel file.</summary>
    public string ClassName { get; }

    /// <summary>The .qmodel file in samples/IntelClassifier.Model it was compiled from.</summary>
    public string FileName { get; }

    public IReadOnlyList<string> Labels { get; }

    public int InputHeight { get; }

    public int InputWidth { get; }

    public int InputLength { get; }

    public int ClassCount => Labels.Count;

    public int Predict(ReadOnlySpan<byte> pixels) => predict(pixels);

    public void PredictLogits(ReadOnlySpan<byte> pixels, Span<float> scores) => logits(pixels, scores);

    public void PredictProbabilities(ReadOnlySpan<byte> pixels, Span<float> scores) => probabilities(pixels, scores);
}
