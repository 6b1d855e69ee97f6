#:project ../src/ModelCompiler.Import/ModelCompiler.Import.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Issue 13's acceptance comparison: the imported model against Arm NN's CpuRef (scripts/armnn-reference.py) on the
// exact bytes Arm NN was fed. Usage (from the repository root):
//   dotnet run scripts/armnn-agreement.cs -- MODEL.tflite|MODEL.qmodel LABELS.txt REFERENCE.json...
// Each REFERENCE.json must have been written with --save-inputs REFERENCE.inputs (its path minus ".json" plus
// ".inputs"); every input's SHA-256 is checked against the JSON. The model is imported in-process exactly as
// `modelc-train import` does, and run on the reference interpreter, which the generated code matches bit for bit
// (tests/ModelCompiler.Generator.Tests/ImportedModelTests.cs).
using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: dotnet run scripts/armnn-agreement.cs -- MODEL.tflite LABELS.txt REFERENCE.json...");
    return 2;
}

// A .qmodel (e.g. the post-training quantization of a float TFLite model) is compared as it is.
var model = args[0].EndsWith(".qmodel", StringComparison.OrdinalIgnoreCase)
    ? ModelCompiler.IO.QModelFile.Read(args[0])
    : QModelImport.Import(args[0], new ImportOptions(Labels: ClassLabels.Read(args[1]))).Model;
var interpreter = new ReferenceInterpreter(model);
int total = 0, top1 = 0, clear = 0, clearTop1 = 0;
double overlap = 0;
var disagreements = new List<string>();
foreach (string json in args[2..])
{
    using var document = JsonDocument.Parse(File.ReadAllText(json));
    bool floatReference = document.RootElement.GetProperty("output").GetProperty("dtype").GetString() == "float32";
    string inputs = json[..^".json".Length] + ".inputs";
    foreach (var image in document.RootElement.GetProperty("images").EnumerateArray())
    {
        int index = image.GetProperty("index").GetInt32();
        byte[] pixels = File.ReadAllBytes(Path.Combine(inputs, $"{index}.rgb"));
        if (Convert.ToHexStringLower(SHA256.HashData(pixels)) != image.GetProperty("input_sha256").GetString())
        {
            Console.Error.WriteLine($"error: {inputs}/{index}.rgb is not the input the reference recorded");
            return 1;
        }

        var reference = image.GetProperty("top5").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // A quantized reference's lead is in output steps; a float one's (softmax probabilities) in 1/256, the int8
        // output step of a quantized softmax, so "2 steps" means the same for both.
        var leadValue = image.GetProperty("lead_steps");
        double lead = floatReference ? leadValue.GetDouble() * 256 : leadValue.GetInt32();
        sbyte[] logits = interpreter.Run(pixels).Int8Output!;

        // Highest first, ties to the lower index (as the reference script orders its top 5).
        int[] ours = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(5).ToArray();
        total++;
        overlap += ours.Intersect(reference).Count();
        bool same = ours[0] == reference[0];
        top1 += same ? 1 : 0;
        if (lead >= 2)
        {
            clear++;
            clearTop1 += same ? 1 : 0;
        }

        if (!same)
        {
            // How far apart the two classes are in our int8 logits: a near-tie there is a rounding difference, a wide
            // gap a different computation.
            disagreements.Add($"  {image.GetProperty("path").GetString()}: Arm NN {reference[0]} '{model.Labels[reference[0]]}' (lead {lead:0.#} steps), ours {ours[0]} '{model.Labels[ours[0]]}' (our logits {logits[ours[0]]} vs {logits[reference[0]]})");
        }
    }
}

Console.WriteLine($"{total} photographs: top-1 agrees on {top1} ({100.0 * top1 / total:F1} %)");
Console.WriteLine($"where Arm NN's top-1 leads by >= 2 output steps: {clearTop1} of {clear} ({100.0 * clearTop1 / Math.Max(clear, 1):F1} %)");
Console.WriteLine($"top-5 overlap: {overlap / total:F2} of 5 on average");
disagreements.ForEach(Console.WriteLine);
return 0;
