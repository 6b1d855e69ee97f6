using System.Globalization;
using ModelCompiler.Interpreter;

namespace ModelCompiler.Samples.Tests;

/// <summary>
/// What a new user does: pack the ModelCompiler package, create a console app outside the repository, add the
/// package, drop fashion.qmodel in as an AdditionalFiles item, build and run it. Its predictions must be the
/// reference interpreter's.
/// </summary>
[Trait("Category", "Slow")]
[Collection(DotnetBuildsCollection.Name)]
public sealed class PackageEndToEndTests
{
    private const int ImageCount = 20;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void PackagedGeneratorCompilesTheModelInAFreshConsoleApp()
    {
        // Outside the repository: its Directory.Build.props (warnings as errors, central package management) and
        // Directory.Packages.props must not apply. A per-test NuGet cache means a rebuilt ModelCompiler 0.1.0 is
        // never shadowed by an older one cached under the same version.
        string root = Path.Combine(Path.GetTempPath(), $"modelcompiler-e2e-{Guid.NewGuid():N}");
        string feed = Path.Combine(root, "feed");
        string app = Path.Combine(root, "FashionApp");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
        try
        {
            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="modelcompiler-e2e" value="{feed}" />
                  </packageSources>
                </configuration>
                """);

            string runtimeProject = RepositoryPaths.Of("src", "ModelCompiler.Runtime", "ModelCompiler.Runtime.csproj");
            ProcessRunner.Run("dotnet", $"pack \"{runtimeProject}\" -c Release -o \"{feed}\" -nologo -v quiet", RepositoryPaths.Root, StepTimeout, environment);
            Assert.Single(Directory.GetFiles(feed, "ModelCompiler.*.nupkg"));

            ProcessRunner.Run("dotnet", "new console -n FashionApp -o . --framework net10.0", app, StepTimeout, environment);
            ProcessRunner.Run("dotnet", "add package ModelCompiler --version 0.1.0", app, StepTimeout, environment);

            File.Copy(RepositoryPaths.Of("samples", "FashionClassifier", "fashion.qmodel"), Path.Combine(app, "fashion.qmodel"));
            string csproj = Path.Combine(app, "FashionApp.csproj");
            string project = File.ReadAllText(csproj);
            Assert.Contains("""<PackageReference Include="ModelCompiler" Version="0.1.0" />""", project, StringComparison.Ordinal);
            int end = project.LastIndexOf("</Project>", StringComparison.Ordinal);
            Assert.True(end >= 0, "no </Project> in the generated csproj");
            File.WriteAllText(csproj, project[..end] + """
                  <ItemGroup>
                    <AdditionalFiles Include="fashion.qmodel" />
                  </ItemGroup>

                </Project>

                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using FashionApp;

                byte[] pixels = File.ReadAllBytes(args[0]);
                for (int offset = 0; offset < pixels.Length; offset += FashionClassifier.InputLength)
                {
                    Console.WriteLine(FashionClassifier.Predict(pixels.AsSpan(offset, FashionClassifier.InputLength)));
                }

                """);

            var test = FashionTestImages.Instance;
            string images = Path.Combine(root, "images.raw");
            File.WriteAllBytes(images, test.Pixels.AsSpan(0, ImageCount * FashionTestImages.ImageLength).ToArray());

            // A consumer that treats warnings as errors: the package must build clean.
            ProcessRunner.Run("dotnet", "build -c Release -nologo -v quiet -p:TreatWarningsAsErrors=true", app, StepTimeout, environment);
            string printed = ProcessRunner.Run("dotnet", $"\"{Path.Combine(app, "bin", "Release", "net10.0", "FashionApp.dll")}\" \"{images}\"", app, StepTimeout, environment);
            int[] packaged = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => int.Parse(line, CultureInfo.InvariantCulture)).ToArray();

            var interpreter = ReferenceInterpreter.Load(RepositoryPaths.Of("samples", "FashionClassifier", "fashion.qmodel"));
            int[] reference = Enumerable.Range(0, ImageCount).Select(i => interpreter.Run(test.Image(i)).ArgMax).ToArray();
            Assert.Equal(ImageCount, packaged.Length);
            Assert.Equal(reference, packaged);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
