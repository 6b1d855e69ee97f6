#:project ../../src/ModelCompiler.Import/ModelCompiler.Import.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Recomputes TFLite's int8 MEAN over height and width from the input tensor TFLite's builtin kernels gave it, under
// three readings of TFLite's sources, and counts the output elements each gets wrong against what TFLite wrote
// (docs/import.md, "MobileNetV2, MEAN"). Usage (from the repository root):
//   node scripts/tflite-reference/run.js MODEL.tflite --extra IN --extra OUT -o MEAN.json INPUT.rgb
//   dotnet run scripts/tflite-reference/check-mean.cs -- MODEL.tflite MEAN.json
// IN and OUT are the MEAN operator's input and output tensor indices (MobileNetV2: 171 and 172).
using System.Text.Json;
using ModelCompiler.Arithmetic;
using ModelCompiler.Import;
using ModelCompiler.Import.Tflite;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run scripts/tflite-reference/check-mean.cs -- MODEL.tflite MEAN.json");
    return 2;
}

var model = TfliteReader.Read(File.ReadAllBytes(args[0]), args[0], new ImportProblems());
var root = JsonDocument.Parse(File.ReadAllText(args[1])).RootElement;
var extras = root.GetProperty("extra_tensors").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()).ToArray();
var mean = model.Operators.Single(o => o.Type == "MEAN" && o.Inputs[0] == extras[0] && o.Outputs[0] == extras[1]);
var inputTensor = model.Tensors[mean.Inputs[0]];
var outputTensor = model.Tensors[mean.Outputs[0]];
float inScale = inputTensor.Quantization!.Scales[0], outScale = outputTensor.Quantization!.Scales[0];
int inZero = (int)inputTensor.Quantization.ZeroPoints[0], outZero = (int)outputTensor.Quantization.ZeroPoints[0];
int height = inputTensor.Shape![1], width = inputTensor.Shape[2], channels = inputTensor.Shape[3];
int n = height * width;
Console.WriteLine($"MEAN operator {mean.Index}: {height}x{width}x{channels}, s_in {inScale:R} zp_in {inZero}, s_out {outScale:R} zp_out {outZero}");

// Optimized kernel (optimized_integer_ops::Mean): float32 real scale s_in / (n * s_out), bias rounded in float32.
float realScale = inScale / ((float)n * outScale);
var optimizedMultiplier = TfliteMultiplier.FromReal(realScale);
float temp = inZero * inScale / outScale;
temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
int bias = outZero - (int)temp;
// Reference kernel (reference_integer_ops::Mean): (s_in / s_out) in double, then a rounded division by n.
var referenceMultiplier = TfliteMultiplier.FromReal((double)inScale / outScale);
Console.WriteLine($"optimized: real {realScale:R} -> multiplier {optimizedMultiplier}, bias {bias}; reference: multiplier {referenceMultiplier}");

int totalOptimized = 0, totalReference = 0, images = 0;
foreach (var image in root.GetProperty("images").EnumerateArray())
{
    var tensors = image.GetProperty("extra_base64").EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!)).ToArray();
    sbyte[] x = Array.ConvertAll(tensors[0], b => (sbyte)b), theirs = Array.ConvertAll(tensors[1], b => (sbyte)b);
    int optimized = 0, reference = 0;
    for (int c = 0; c < channels; c++)
    {
        int sum = 0, centred = 0;
        for (int i = 0; i < n; i++)
        {
            sum += x[(i * channels) + c];
            centred += x[(i * channels) + c] - inZero;
        }

        int a = Math.Clamp(TfliteRequantizer.MultiplyByQuantizedMultiplier(sum, optimizedMultiplier) + bias, -128, 127);
        int r = TfliteRequantizer.MultiplyByQuantizedMultiplier(centred, referenceMultiplier);
        r = r > 0 ? (r + (n / 2)) / n : (r - (n / 2)) / n;
        r = Math.Clamp(r + outZero, -128, 127);
        optimized += a != theirs[c] ? 1 : 0;
        reference += r != theirs[c] ? 1 : 0;
    }

    Console.WriteLine($"image {images}: differing of {channels}: optimized (integer) {optimized}, reference {reference}");
    totalOptimized += optimized;
    totalReference += reference;
    images++;
}

Console.WriteLine($"{images} images: optimized {totalOptimized}, reference {totalReference} differing elements");
return totalOptimized == 0 ? 0 : 1;
