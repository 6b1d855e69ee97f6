using ModelCompiler.Interpreter;
using ModelCompiler.Samples.Fashion;

namespace ModelCompiler.Samples.Tests;

/// <summary>The committed fashion.qmodel, compiled into the Fashion sample, on the real Fashion-MNIST test set.</summary>
[Trait("Category", "Slow")]
[Collection(DotnetBuildsCollection.Name)]
public sealed class FashionSampleTests
{
    private static readonly string ModelPath = RepositoryPaths.Of("samples", "FashionClassifier", "fashion.qmodel");

    [Fact]
    public void CompiledModelReachesNinetyPercentAndAgreesWithTheInterpreterOnEveryImage()
    {
        var test = FashionTestImages.Instance;
        var interpreter = ReferenceInterpreter.Load(ModelPath);
        var compiled = new int[test.Count];
        var reference = new int[test.Count];
        Parallel.For(0, test.Count, i =>
        {
            compiled[i] = FashionClassifier.Predict(test.Image(i));
            reference[i] = interpreter.Run(test.Image(i)).ArgMax;
        });

        int correct = Enumerable.Range(0, test.Count).Count(i => compiled[i] == test.Labels[i]);
        Assert.True(correct >= 9_000, $"compiled int8 accuracy {correct / 100.0:F2} % is below 90 %");
        Assert.Equal(reference, compiled);
    }

    [Fact]
    public void NativeAotBinaryPredictsLikeTheJitBuildAndTheInterpreter()
    {
        string output = Path.Combine(Path.GetTempPath(), $"fashion-aot-{Guid.NewGuid():N}");
        try
        {
            ProcessRunner.Run(
                "dotnet", $"publish samples/FashionClassifier/FashionClassifier.csproj -c Release -r linux-x64 -nologo -v quiet -o \"{output}\"",
                RepositoryPaths.Root, TimeSpan.FromMinutes(10));
            string printed = ProcessRunner.Run(Path.Combine(output, "fashion-classifier"), "--range 0 100", RepositoryPaths.Root, TimeSpan.FromMinutes(2));
            int[] aot = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

            var test = FashionTestImages.Instance;
            var interpreter = ReferenceInterpreter.Load(ModelPath);
            int[] jit = Enumerable.Range(0, 100).Select(i => FashionClassifier.Predict(test.Image(i))).ToArray();
            int[] reference = Enumerable.Range(0, 100).Select(i => interpreter.Run(test.Image(i)).ArgMax).ToArray();
            Assert.Equal(100, aot.Length);
            Assert.Equal(jit, aot);
            Assert.Equal(reference, aot);

            // The image opener under Native AOT: a PNG (inflate check, decode), a JPEG cut inside its APP0 header
            // (StbImageSharp hung on it), a PNG whose data inflates past its header.
            var rgb = Imaging.Tests.TestImages.Rgb(40, 30, seed: 1);
            var files = new[] { ("ok.png", Imaging.Tests.TestImages.StbPng(rgb, 40, 30)), ("app0.jpg", Imaging.Tests.TestImages.Jpeg(rgb, 40, 30)[..11]), ("bomb.png", Imaging.Tests.TestImages.PngWithData(10, 10, 1 << 20)) };
            foreach (var (name, data) in files)
            {
                File.WriteAllBytes(Path.Combine(output, name), data);
            }

            var hostile = SampleProcess.Run(Path.Combine(output, "fashion-classifier"), files.Select(f => Path.Combine(output, f.Item1)), TimeSpan.FromMinutes(1));
            Assert.Equal(1, hostile.ExitCode);
            Assert.StartsWith(Path.Combine(output, "ok.png") + ": ", Assert.Single(hostile.OutputLines));
            Assert.Equal(
                [$"error: {Path.Combine(output, "app0.jpg")}: truncated JPEG: segment 0xE0 at byte 2 declares 16 bytes, past the end of the file (11 bytes), before any image data",
                 $"error: {Path.Combine(output, "bomb.png")}: PNG image data inflates to more than the 310 bytes its 10 x 10 header needs (a decompression bomb?)"],
                hostile.ErrorLines);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
