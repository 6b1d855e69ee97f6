#:project ../src/ModelCompiler.Import/ModelCompiler.Import.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Issue 13's acceptance comparison: the imported model against Arm NN's CpuRef (scripts/armnn-reference.py) on the
// exact bytes Arm NN was fed, and, with --tflite, three ways: ours, TFLite's own interpreter
// (scripts/tflite-reference/run.js on the same bytes) and Arm NN. Usage (from the repository root):
//   dotnet run scripts/armnn-agreement.cs -- MODEL.tflite|MODEL.qmodel LABELS.txt [--tflite NAME]... REFERENCE.json...
// Each REFERENCE.json must have been written with --save-inputs REFERENCE.inputs (its path minus ".json" plus
// ".inputs"); every input's SHA-256 is checked against the JSON. `--tflite NAME` reads TFLite's outputs for those inputs
// from REFERENCE.NAME.json (its SHA-256s checked too); it may be given once per TFLite run (e.g. builtin kernels and
// XNNPACK). The model is imported in-process exactly as `modelc-train import` does, and run on the reference
// interpreter, which the generated code matches bit for bit (tests/ModelCompiler.Generator.Tests/ImportedModelTests.cs).
using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

var tfliteNames = new List<string>();
var positional = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--tflite" && i + 1 < args.Length)
    {
        tfliteNames.Add(args[++i]);
    }
    else
    {
        positional.Add(args[i]);
    }
}

if (positional.Count < 3)
{
    Console.Error.WriteLine("usage: dotnet run scripts/armnn-agreement.cs -- MODEL.tflite LABELS.txt [--tflite NAME]... REFERENCE.json...");
    return 2;
}

// A .qmodel (e.g. the post-training quantization of a float TFLite model) is compared as it is.
var model = positional[0].EndsWith(".qmodel", StringComparison.OrdinalIgnoreCase)
    ? ModelCompiler.IO.QModelFile.Read(positional[0])
    : QModelImport.Import(positional[0], new ImportOptions(Labels: ClassLabels.Read(positional[1]))).Model;
var interpreter = new ReferenceInterpreter(model);
var armnnVsOurs = new Agreement("Arm NN", model.Labels);
var tflite = tfliteNames.Select(name => (Name: name, VsOurs: new Agreement($"TFLite {name}", model.Labels), ArmnnVsTflite: new Agreement("Arm NN", model.Labels))).ToList();
var identicalPerRun = new int[tflite.Count];
var identicalOutputPerRun = new int[tflite.Count];
// Each later TFLite run against the first (e.g. XNNPACK against the builtin kernels): how much TFLite varies itself.
var tfliteVsFirst = tflite.Skip(1).Select(t => new Agreement($"TFLite {tflite[0].Name}", model.Labels)).ToList();
var identicalWithFirst = new int[tflite.Count];
foreach (string json in positional[2..])
{
    using var document = JsonDocument.Parse(File.ReadAllText(json));
    bool floatReference = document.RootElement.GetProperty("output").GetProperty("dtype").GetString() == "float32";
    string inputs = json[..^".json".Length] + ".inputs";
    var tfliteRuns = tfliteNames.Select(name => TfliteRun.Read(json[..^".json".Length] + $".{name}.json")).ToList();
    foreach (var image in document.RootElement.GetProperty("images").EnumerateArray())
    {
        int index = image.GetProperty("index").GetInt32();
        byte[] pixels = File.ReadAllBytes(Path.Combine(inputs, $"{index}.rgb"));
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(pixels));
        if (sha256 != image.GetProperty("input_sha256").GetString())
        {
            Console.Error.WriteLine($"error: {inputs}/{index}.rgb is not the input the reference recorded");
            return 1;
        }

        string path = image.GetProperty("path").GetString()!;
        var armnn = Ranking.FromJson(image, floatReference);
        sbyte[] logits = interpreter.Run(pixels).Int8Output!;
        var ours = Ranking.FromLogits(logits);
        armnnVsOurs.Add(path, armnn, ours, logits);
        for (int k = 0; k < tflite.Count; k++)
        {
            var record = tfliteRuns[k].Images[index];
            if (record.GetProperty("input_sha256").GetString() != sha256)
            {
                Console.Error.WriteLine($"error: TFLite {tflite[k].Name} ran another input than {inputs}/{index}.rgb");
                return 1;
            }

            var reference = Ranking.FromJson(record, floatReference: false);
            tflite[k].VsOurs.Add(path, reference, ours, logits);
            tflite[k].ArmnnVsTflite.Add(path, armnn, reference, null);
            // TFLite's logits (the SOFTMAX's input) in our int8 form: a uint8 model's values minus 128 (the import's
            // exact shift), i.e. the top bit flipped.
            byte[] theirs = Convert.FromBase64String(record.GetProperty("logits_base64").GetString()!);
            int flip = tfliteRuns[k].Uint8Logits ? 0x80 : 0;
            bool identical = theirs.Length == logits.Length && theirs.Select((b, i) => (sbyte)(b ^ flip) == logits[i]).All(x => x);
            identicalPerRun[k] += identical ? 1 : 0;
            identicalOutputPerRun[k] += record.GetProperty("output_base64").GetString() == image.GetProperty("output_base64").GetString() ? 1 : 0;
            if (k > 0)
            {
                var first = tfliteRuns[0].Images[index];
                tfliteVsFirst[k - 1].Add(path, Ranking.FromJson(first, floatReference: false), reference, null);
                identicalWithFirst[k] += record.GetProperty("output_base64").GetString() == first.GetProperty("output_base64").GetString() ? 1 : 0;
            }
        }
    }
}

armnnVsOurs.Print("ours");
for (int k = 0; k < tflite.Count; k++)
{
    Console.WriteLine();
    Console.WriteLine($"== ours vs TFLite {tflite[k].Name}");
    tflite[k].VsOurs.Print("ours");
    Console.WriteLine($"our int8 logits byte-identical with TFLite's: {identicalPerRun[k]} of {tflite[k].VsOurs.Total}");
    Console.WriteLine();
    Console.WriteLine($"== TFLite {tflite[k].Name} vs Arm NN");
    tflite[k].ArmnnVsTflite.Print($"TFLite {tflite[k].Name}");
    Console.WriteLine($"TFLite's output (softmax) bytes identical with Arm NN's: {identicalOutputPerRun[k]} of {tflite[k].VsOurs.Total}");
}

for (int k = 1; k < tflite.Count; k++)
{
    Console.WriteLine();
    Console.WriteLine($"== TFLite {tflite[k].Name} vs TFLite {tflite[0].Name}");
    tfliteVsFirst[k - 1].Print($"TFLite {tflite[k].Name}");
    Console.WriteLine($"output (softmax) bytes identical: {identicalWithFirst[k]} of {tfliteVsFirst[k - 1].Total}");
}

return 0;

/// <summary>
/// One scripts/tflite-reference/run.js output: its records by index (a missing file is an error: run run.js on the
/// reference JSON first) and whether its logits are uint8 (the legacy scheme) or int8.
/// </summary>
internal sealed record TfliteRun(Dictionary<int, JsonElement> Images, bool Uint8Logits)
{
    public static TfliteRun Read(string path)
    {
        var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        return new TfliteRun(
            root.GetProperty("images").EnumerateArray().ToDictionary(e => e.GetProperty("index").GetInt32()),
            root.GetProperty("logits_dtype").GetString() == "uint8");
    }
}

/// <summary>A classifier's answer: its top 5 (highest first, ties to the lower index) and how far its top-1 leads.</summary>
internal sealed record Ranking(int[] Top5, double? Lead)
{
    public static Ranking FromJson(JsonElement image, bool floatReference)
    {
        var top5 = image.GetProperty("top5").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // A quantized reference's lead is in output steps; a float one's (softmax probabilities) in 1/256, the int8
        // output step of a quantized softmax, so "2 steps" means the same for both.
        var leadValue = image.GetProperty("lead_steps");
        return new Ranking(top5, floatReference ? leadValue.GetDouble() * 256 : leadValue.GetInt32());
    }

    public static Ranking FromLogits(sbyte[] logits) =>
        new(Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(5).ToArray(), null);
}

/// <summary>How often a compared side's top-1 and top 5 agree with a reference's, as the issue counts it.</summary>
internal sealed class Agreement(string referenceName, IReadOnlyList<string> labels)
{
    private int _top1, _clear, _clearTop1;
    private double _overlap;
    private readonly List<string> _disagreements = [];

    // Stands for the compared side's name in a disagreement line until Print names it.
    private const string ComparedToken = "\u0001";

    public int Total { get; private set; }

    public void Add(string path, Ranking reference, Ranking compared, sbyte[]? comparedLogits)
    {
        Total++;
        _overlap += compared.Top5.Intersect(reference.Top5).Count();
        bool same = compared.Top5[0] == reference.Top5[0];
        _top1 += same ? 1 : 0;
        if (reference.Lead >= 2)
        {
            _clear++;
            _clearTop1 += same ? 1 : 0;
        }

        if (!same)
        {
            int r = reference.Top5[0], c = compared.Top5[0];
            // How far apart the two classes are in our int8 logits: a near-tie there is a rounding difference, a wide
            // gap a different computation.
            string gap = comparedLogits is null ? "" : $" (our logits {comparedLogits[c]} vs {comparedLogits[r]})";
            _disagreements.Add($"  {path}: {referenceName} {r} '{labels[r]}' (lead {reference.Lead:0.#} steps), {ComparedToken} {c} '{labels[c]}'{gap}");
        }
    }

    public void Print(string comparedName)
    {
        Console.WriteLine($"{Total} photographs: top-1 agrees on {_top1} ({100.0 * _top1 / Total:F1} %)");
        Console.WriteLine($"where {referenceName}'s top-1 leads by >= 2 output steps: {_clearTop1} of {_clear} ({100.0 * _clearTop1 / Math.Max(_clear, 1):F1} %)");
        Console.WriteLine($"top-5 overlap: {_overlap / Total:F2} of 5 on average");
        _disagreements.ForEach(d => Console.WriteLine(d.Replace(ComparedToken, comparedName)));
    }
}
