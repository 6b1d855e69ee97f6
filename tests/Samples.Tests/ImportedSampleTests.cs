namespace ModelCompiler.Samples.Tests;

/// <summary>
/// The "bring your own model" sample as a user runs it: TensorFlow's MobileNetV2, imported at build time from the
/// .tflite in tests/models/tflite and compiled in, labels the photograph of Grace Hopper as TFLite does, matches the
/// reference interpreter on it, and names a file it cannot read.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ImportedSampleTests
{
    private static readonly string Configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string App { get; } = RepositoryPaths.Of("samples", "ImportedClassifier", "bin", Configuration, "net10.0", "imported-classifier");

    /// <summary>What the build imported (ImportedClassifier.Model.csproj) and compiled into the app.</summary>
    private static string ImportedModel { get; } = RepositoryPaths.Of("samples", "ImportedClassifier.Model", "obj", "mobilenet-v2.qmodel");

    private static string Photo { get; } = RepositoryPaths.Of("tests", "models", "tflite", "grace_hopper.bmp");

    [Fact]
    public void The_imported_MobileNetV2_labels_the_photograph_military_uniform_as_the_interpreter_computes_it()
    {
        Assert.True(File.Exists(App), $"{App} was not built (the test project references the sample so that it is)");
        string output = ProcessRunner.Run(App, $"\"{Photo}\" --top 3 --verify-interpreter \"{ImportedModel}\"", RepositoryPaths.Root, TimeSpan.FromMinutes(2));

        Assert.Matches(@"grace_hopper\.bmp: military uniform \(\d+\.\d %\)", output);
        Assert.Matches(@"(?m)^  1\. military uniform \(\d+\.\d %, class 653\)$", output);
        Assert.Matches(@"(?m)^  3\. ", output);
        Assert.DoesNotMatch(@"(?m)^  4\. ", output);
        Assert.Contains("compiled code = reference interpreter on all 1 photos, logits bit for bit", output);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_and_fails_the_run_after_the_others_are_labelled()
    {
        string folder = Path.Combine(Path.GetTempPath(), "imported-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string broken = Path.Combine(folder, "broken.jpg");
            File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F']);
            File.Copy(Photo, Path.Combine(folder, "photo.bmp"));

            var error = Assert.Throws<InvalidOperationException>(() => ProcessRunner.Run(App, $"\"{folder}\" --top 0", RepositoryPaths.Root, TimeSpan.FromMinutes(2)));
            Assert.Contains("exited with 1", error.Message);
            Assert.Contains("broken.jpg", error.Message);
            Assert.Matches(@"photo\.bmp: military uniform", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
