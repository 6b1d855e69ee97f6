#:project ../../src/ModelCompiler.Import/ModelCompiler.Import.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Ours (the import's default rules, reference interpreter) against TFLite's builtin kernels on the same bytes, without
// Arm NN. Usage (from the repository root):
//   node scripts/tflite-reference/run.js MODEL.tflite --kernels builtin -o RUN.json INPUT.rgb...
//   dotnet run -c Release scripts/tflite-reference/builtin-agreement.cs -- MODEL.tflite RUN.json [LIMIT]
// Reads each input's bytes from the path RUN.json records, and prints how many top-1 labels agree (all, and where
// TFLite leads by at least 2 steps of its uint8 softmax), how many inputs give our int8 logits byte for byte (TFLite's
// uint8 logits minus 128 for the legacy uint8 scheme) and the largest logit difference in steps.
using System.Text.Json;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

var model = QModelImport.Import(args[0], new ImportOptions()).Model;
var root = JsonDocument.Parse(File.ReadAllText(args[1])).RootElement;
bool uint8 = root.GetProperty("logits_dtype").GetString() == "uint8";
int limit = args.Length > 2 ? int.Parse(args[2]) : int.MaxValue;
var interpreter = new ReferenceInterpreter(model);
int n = 0, top1 = 0, identical = 0, maxSteps = 0, lead2 = 0, lead2Agree = 0;
foreach (var image in root.GetProperty("images").EnumerateArray().Take(limit))
{
    var result = interpreter.Run(File.ReadAllBytes(image.GetProperty("path").GetString()!));
    sbyte[] theirs = Array.ConvertAll(Convert.FromBase64String(image.GetProperty("logits_base64").GetString()!), b => uint8 ? (sbyte)(b ^ 0x80) : (sbyte)b);
    sbyte[] ours = result.Int8Output!;
    n++;
    identical += ours.AsSpan().SequenceEqual(theirs) ? 1 : 0;
    for (int i = 0; i < ours.Length; i++)
    {
        maxSteps = Math.Max(maxSteps, Math.Abs(ours[i] - theirs[i]));
    }

    bool agree = result.ArgMax == image.GetProperty("top5")[0].GetInt32();
    top1 += agree ? 1 : 0;
    if (image.GetProperty("lead_steps").GetDouble() >= 2)
    {
        lead2++;
        lead2Agree += agree ? 1 : 0;
    }
}

Console.WriteLine($"{Path.GetFileName(args[0])}: {n} inputs; top-1 agrees {top1} ({100.0 * top1 / n:F1} %); TFLite leads >= 2: {lead2Agree} of {lead2}; "
    + $"identical logits {identical} of {n}; largest logit difference {maxSteps} steps");
