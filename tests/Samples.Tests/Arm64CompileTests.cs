using System.Reflection.PortableExecutable;

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// The generated kernels compile for ARM64: the Fashion sample, published ReadyToRun for linux-arm64, is an ARM64
/// image with precompiled native code (crossgen compiles every method, the generated ones included, for ARM64; there
/// the int8 kernels take their portable Vector128 paths). No ARM64 machine is needed to build it, none to run it here.
/// </summary>
[Trait("Category", "Slow")]
[Collection(DotnetBuildsCollection.Name)]
public sealed class Arm64CompileTests
{
    [Fact]
    public void FashionSamplePublishesAsReadyToRunArm64Code()
    {
        string output = Path.Combine(Path.GetTempPath(), $"fashion-arm64-{Guid.NewGuid():N}");
        try
        {
            ProcessRunner.Run(
                "dotnet", $"publish samples/FashionClassifier/FashionClassifier.csproj -c Release -r linux-arm64 --self-contained -p:PublishAot=false -p:PublishReadyToRun=true -nologo -v quiet -o \"{output}\"",
                RepositoryPaths.Root, TimeSpan.FromMinutes(10));
            using var stream = File.OpenRead(Path.Combine(output, "fashion-classifier.dll"));
            using var pe = new PEReader(stream);
            // ReadyToRun images for Linux store the machine XOR-ed with the OS tag 0x7B79 (crossgen2's TargetOS override).
            Assert.Equal(Machine.Arm64, (Machine)((ushort)pe.PEHeaders.CoffHeader.Machine ^ 0x7B79));
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "no ReadyToRun header: the code was not precompiled");
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
