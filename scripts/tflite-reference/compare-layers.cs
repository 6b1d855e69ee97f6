#:project ../../src/ModelCompiler.Import/ModelCompiler.Import.csproj
#:property TargetFramework=net10.0
#:property PublishAot=false

// Where our import and TFLite first differ, layer by layer, on one input. Usage (from the repository root):
//   node scripts/tflite-reference/run.js MODEL.tflite --all-ops -o LAYERS.json INPUT.rgb
//   dotnet run scripts/tflite-reference/compare-layers.cs -- MODEL.tflite LAYERS.json [INDEX [single|tflite]]
// LAYERS.json is run.js's output with every operator's output tensor (--all-ops); INDEX picks its input (default 0);
// the last argument imports with that rounding rule everywhere instead of the import's default (tflite, each int8
// CONV_2D single, as TFLite's builtin kernels round),
// whose bytes are read from the path it records and checked by SHA-256. Each of our layers is matched to the TFLite
// operator its name ends with (the importer names layers <kind>_<operator index>) and our interpreter is run on the
// model cut after that layer. Prints, per layer, how many elements differ and by how many steps at most.
using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Import.Mapping;
using ModelCompiler.Interpreter;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: dotnet run scripts/tflite-reference/compare-layers.cs -- MODEL.tflite LAYERS.json [INDEX]");
    return 2;
}

Rounding? rounding = args.Length > 3 ? Enum.Parse<Rounding>(args[3], ignoreCase: true) : null;
var model = QModelImport.Import(args[0], new ImportOptions(Rounding: rounding)).Model;
var root = JsonDocument.Parse(File.ReadAllText(args[1])).RootElement;
var image = root.GetProperty("images")[args.Length > 2 ? int.Parse(args[2]) : 0];
byte[] pixels = File.ReadAllBytes(image.GetProperty("path").GetString()!);
if (Convert.ToHexStringLower(SHA256.HashData(pixels)) != image.GetProperty("input_sha256").GetString())
{
    Console.Error.WriteLine("error: the input file is not the one TFLite ran");
    return 1;
}

// TFLite's tensors by the operator that wrote them; uint8 ones (the legacy scheme) minus 128, our int8 form.
var theirs = new Dictionary<int, sbyte[]>();
var extras = root.GetProperty("extra_tensors").EnumerateArray().ToArray();
var extraValues = image.GetProperty("extra_base64").EnumerateArray().ToArray();
for (int i = 0; i < extras.Length; i++)
{
    int flip = extras[i].GetProperty("dtype").GetString() == "uint8" ? 0x80 : 0;
    theirs[extras[i].GetProperty("operator").GetInt32()] =
        Array.ConvertAll(Convert.FromBase64String(extraValues[i].GetString()!), b => (sbyte)(b ^ flip));
}

Console.WriteLine($"{"layer",-12} {"elements",9} {"differ",9} {"largest",8}");
for (int k = 0; k < model.Layers.Count; k++)
{
    var layer = model.Layers[k];
    if (layer is SoftmaxLayer || !int.TryParse(layer.Name[(layer.Name.LastIndexOf('_') + 1)..], out int op) || !theirs.TryGetValue(op, out var expected))
    {
        continue;
    }

    // The model cut after this layer and flattened (a model's output is a vector, one label per value; flattening in
    // hwc order is TFLite's NHWC order and changes no value).
    Layer[] layers = [.. model.Layers.Take(k + 1), new FlattenLayer("compared_flatten", FlattenOrder.Hwc)];
    var cut = new QModel(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant,
        Enumerable.Range(0, expected.Length).Select(i => $"{i}").ToArray(), model.Provenance, layers) { Rounding = model.Rounding };
    ReferenceInterpreter interpreter;
    try
    {
        interpreter = new ReferenceInterpreter(cut);
    }
    catch (QModelFormatException)
    {
        // Our layer of that name is not the whole operator (e.g. one of the layers an operator maps to).
        Console.WriteLine($"{layer.Name,-12} (its output is not TFLite's operator {op}'s {expected.Length} values)");
        continue;
    }

    sbyte[] ours = interpreter.Run(pixels).Int8Output!;
    int differ = 0, largest = 0;
    for (int i = 0; i < Math.Min(ours.Length, expected.Length); i++)
    {
        int d = Math.Abs(ours[i] - expected[i]);
        differ += d != 0 ? 1 : 0;
        largest = Math.Max(largest, d);
    }

    string shape = ours.Length == expected.Length ? "" : $"  (sizes differ: ours {ours.Length}, TFLite {expected.Length})";
    Console.WriteLine($"{layer.Name,-12} {ours.Length,9} {differ,9} {largest,8}{shape}");
}

return 0;
