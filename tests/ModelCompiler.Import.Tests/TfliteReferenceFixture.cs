using System.Security.Cryptography;
using System.Text.Json;
using ModelCompiler.Format;
using ModelCompiler.Imaging;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// A fixture of TFLite's builtin kernels on grace_hopper.bmp (tests/models/tflite/*.tflite-reference.json, written by
/// scripts/tflite-reference/make-fixture.sh): the SHA-256s of the model and of the pixels fed, one recorded tensor and
/// the logits, each as int8 (TFLite's uint8 values minus 128: the import's exact shift).
/// </summary>
internal sealed class TfliteReferenceFixture(JsonElement root)
{
    public static TfliteReferenceFixture Load(string name) =>
        new(JsonDocument.Parse(File.ReadAllText(TestModels.Path($"tflite/{name}.tflite-reference.json"))).RootElement);

    /// <summary>TFLite's top-1 class on the photograph.</summary>
    public int Top1 => root.GetProperty("top5")[0].GetInt32();

    /// <summary>The photograph resized to <paramref name="size"/> square, checked against the bytes TFLite was fed (and the model file against the one it ran).</summary>
    public byte[] Pixels(string modelPath, int size)
    {
        Assert.Equal(root.GetProperty("model_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath))));
        byte[] pixels = ImageFile.ReadResized(TestModels.GraceHopper, size, size, 3).Pixels;
        Assert.Equal(root.GetProperty("input_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(pixels)));
        return pixels;
    }

    /// <summary>The recorded output of TFLite operator <paramref name="op"/>, the only tensor the fixture holds, as int8.</summary>
    public sbyte[] Tensor(int op)
    {
        var tensor = Assert.Single(root.GetProperty("tensors").EnumerateArray());
        Assert.Equal(op, tensor.GetProperty("operator").GetInt32());
        return AsInt8(tensor.GetProperty("dtype").GetString(), tensor.GetProperty("base64").GetString());
    }

    /// <summary>TFLite's logits (the SOFTMAX's input) as int8.</summary>
    public sbyte[] Logits() => AsInt8(root.GetProperty("logits_dtype").GetString(), root.GetProperty("logits_base64").GetString());

    /// <summary>The imported model cut after layer <paramref name="cut"/>, with <paramref name="outputs"/> output labels (a model's output is a vector).</summary>
    public static QModel Truncated(QModel model, int cut, int outputs, params Layer[] after) =>
        new(model.Name, model.InputShape, model.InputLayout, model.Preprocessing, model.InputQuant,
            Enumerable.Range(0, outputs).Select(i => $"{i}").ToArray(), model.Provenance, [.. model.Layers.Take(cut + 1), .. after]) { Rounding = model.Rounding };

    private static sbyte[] AsInt8(string? dtype, string? base64)
    {
        byte[] bytes = Convert.FromBase64String(base64!);
        return dtype switch
        {
            "int8" => Array.ConvertAll(bytes, b => (sbyte)b),
            "uint8" => Array.ConvertAll(bytes, b => (sbyte)(b ^ 0x80)),
            _ => throw new InvalidDataException($"fixture tensor of dtype {dtype}"),
        };
    }
}
