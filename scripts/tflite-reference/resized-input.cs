#:project ../../src/ModelCompiler.Imaging/ModelCompiler.Imaging.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Writes the bytes our tests feed a model for an image (ImageFile.ReadResized: RGB, HWC), so TFLite can be run on them
// (scripts/tflite-reference/make-fixture.sh). Usage: dotnet run resized-input.cs -- IMAGE HEIGHT WIDTH OUT.rgb
using ModelCompiler.Imaging;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: dotnet run scripts/tflite-reference/resized-input.cs -- IMAGE HEIGHT WIDTH OUT.rgb");
    return 2;
}

File.WriteAllBytes(args[3], ImageFile.ReadResized(args[0], int.Parse(args[1]), int.Parse(args[2]), 3).Pixels);
return 0;
