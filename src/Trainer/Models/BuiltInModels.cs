namespace ModelCompiler.Trainer.Models;

/// <summary>The models the project ships, and lookup of a --model argument (built-in name or JSON file).</summary>
public static class BuiltInModels
{
    /// <summary>Conv 32 3x3 ReLU, MaxPool 2, Conv 64 3x3 ReLU, MaxPool 2, Flatten, Dense 128 ReLU, Dense 10 on 28x28x1.</summary>
    public static ModelDescription FashionCnn => new ModelDescription
    {
        Name = "fashion_cnn",
        Input = [28, 28, 1],
        Layers =
        [
            new() { Kind = LayerKind.Conv2D, Filters = 32, Kernel = 3, Activation = "relu" },
            new() { Kind = LayerKind.MaxPool2D, Pool = 2 },
            new() { Kind = LayerKind.Conv2D, Filters = 64, Kernel = 3, Activation = "relu" },
            new() { Kind = LayerKind.MaxPool2D, Pool = 2 },
            new() { Kind = LayerKind.Flatten },
            new() { Kind = LayerKind.Dense, Units = 128, Activation = "relu" },
            new() { Kind = LayerKind.Dense, Units = 10 },
        ],
    }.Validated("fashion-cnn");

    /// <summary>
    /// The seed's Keras model: Conv2D(32, (3,3), relu) (Keras default 'valid' padding, stride 1), MaxPooling2D(2),
    /// Dropout 0.3, Conv 64, MaxPool, Dropout 0.3, Conv 128, MaxPool, Flatten, Dense 256 relu, Dropout 0.4,
    /// Dense 512 relu, Dense 6 on 100x100x3. The seed's final softmax is exported as a softmax layer.
    /// </summary>
    public static ModelDescription IntelCnn => new ModelDescription
    {
        Name = "intel_cnn",
        Input = [100, 100, 3],
        Layers =
        [
            new() { Kind = LayerKind.Conv2D, Filters = 32, Kernel = 3, Activation = "relu" },
            new() { Kind = LayerKind.MaxPool2D, Pool = 2 },
            new() { Kind = LayerKind.Dropout, Rate = 0.3 },
            new() { Kind = LayerKind.Conv2D, Filters = 64, Kernel = 3, Activation = "relu" },
            new() { Kind = LayerKind.MaxPool2D, Pool = 2 },
            new() { Kind = LayerKind.Dropout, Rate = 0.3 },
            new() { Kind = LayerKind.Conv2D, Filters = 128, Kernel = 3, Activation = "relu" },
            new() { Kind = LayerKind.MaxPool2D, Pool = 2 },
            new() { Kind = LayerKind.Flatten },
            new() { Kind = LayerKind.Dense, Units = 256, Activation = "relu" },
            new() { Kind = LayerKind.Dropout, Rate = 0.4 },
            new() { Kind = LayerKind.Dense, Units = 512, Activation = "relu" },
            new() { Kind = LayerKind.Dense, Units = 6 },
        ],
    }.Validated("intel-cnn");

    /// <summary>
    /// An inverted-residual network for the Intel scenes (100x100x3, 6 classes): stem 16 (stride 2, 50x50), blocks
    /// (expansion, channels, stride) (1,16,1) (4,24,2) (4,24,1) (4,40,2) (4,40,1) (4,80,2) (4,80,1), head 256, dropout
    /// 0.2. At width 1 it needs under a quarter of intel-cnn's multiply-accumulates and weight bytes (inspect prints both).
    /// </summary>
    public static ModelDescription IntelMobileNet(double width = 1.0) => InvertedResidualNetwork.Describe(
        "intel_mobilenet", [100, 100, 3], 16, 2,
        [new(1, 16, 1), new(4, 24, 2), new(4, 24, 1), new(4, 40, 2), new(4, 40, 1), new(4, 80, 2), new(4, 80, 1)],
        256, 6, width, 0.2);

    /// <summary>A small inverted-residual network for Fashion-MNIST (28x28x1, 10 classes), for fast tests: stem 16 (stride 2), (1,16,1) (4,24,2) (4,24,1), head 96.</summary>
    public static ModelDescription FashionMobileNet(double width = 1.0) => InvertedResidualNetwork.Describe(
        "fashion_mobilenet", [28, 28, 1], 16, 2, [new(1, 16, 1), new(4, 24, 2), new(4, 24, 1)], 96, 10, width, 0.2);

    /// <summary>
    /// Resolves --model: "fashion-cnn", "intel-cnn", "intel-mobilenet", "fashion-mobilenet" or the path of a JSON
    /// description; <paramref name="width"/> scales the channels of the mobilenets (other models refuse anything but 1).
    /// </summary>
    public static ModelDescription Resolve(string nameOrPath, double width = 1.0) => nameOrPath switch
    {
        "intel-mobilenet" => IntelMobileNet(width),
        "fashion-mobilenet" => FashionMobileNet(width),
        _ when width != 1.0 => throw new ModelDescriptionException($"--width applies to intel-mobilenet and fashion-mobilenet only, not to '{nameOrPath}'"),
        "fashion-cnn" => FashionCnn,
        "intel-cnn" => IntelCnn,
        _ when File.Exists(nameOrPath) => ModelDescription.FromJson(Training.JsonFile.ReadText(nameOrPath, "a model description"), nameOrPath),
        _ => throw new ModelDescriptionException(
            $"--model '{nameOrPath}' is neither fashion-cnn, intel-cnn, intel-mobilenet, fashion-mobilenet nor an existing description file"),
    };
}
