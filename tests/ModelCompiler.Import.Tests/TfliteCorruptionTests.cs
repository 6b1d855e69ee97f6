using System.Buffers.Binary;
using Google.FlatBuffers;
using ModelCompiler.Import.Tflite;

namespace ModelCompiler.Import.Tests;

/// <summary>
/// Broken flatbuffers: every one must give <see cref="ModelImportException"/> with a clear problem (never another
/// exception, never a hang, never an allocation the file's size does not justify).
/// </summary>
public sealed class TfliteCorruptionTests
{
    [Fact]
    public void EveryTruncationOfASmallModelIsAClearError()
    {
        byte[] data = File.ReadAllBytes(TestModels.Crafted("valid"));
        // flatc ends this file with the description string's NUL terminator and two bytes of alignment padding:
        // cutting only padding loses nothing, so those prefixes read; every shorter one must not.
        int padding = data.Reverse().TakeWhile(b => b == 0).Count() - 1;
        Assert.Equal(2, padding);
        for (int length = data.Length - padding; length < data.Length; length++)
        {
            Assert.Equal(5, ModelImporter.Read(data[..length], "padding cut.tflite", tfliteByName: true).Operators.Count);
        }

        for (int length = 0; length < data.Length - padding; length++)
        {
            var problems = Refusals.Of(data[..length], "truncated.tflite");
            var problem = Assert.Single(problems);
            Assert.Equal("file", problem.Location);
            Assert.StartsWith("not a valid TFLite flatbuffer", problem.Message);
        }
    }

    [Fact]
    public void TruncationsOfMobileNetV2AreClearErrors()
    {
        byte[] data = File.ReadAllBytes(TestModels.MobileNetV2);
        for (int i = 0; i < 40; i++)
        {
            int length = (int)((long)data.Length * i / 40) + 8;
            var problem = Assert.Single(Refusals.Of(data[..length], "truncated.tflite"));
            Assert.Contains("outside the file", problem.Message + problem.Attribute, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RootOffsetOutsideTheFile()
    {
        byte[] data = File.ReadAllBytes(TestModels.Crafted("valid"));
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0xFFFFFF00);
        var problem = Assert.Single(Refusals.Of(data));
        Assert.Equal("model", problem.Attribute);
        Assert.Contains("offset 4294967040 at byte 0 points outside the file", problem.Message);
    }

    [Fact]
    public void NotATfliteFile()
    {
        var problem = Assert.Single(Assert.Throws<ModelImportException>(() => ModelImporter.Read(new byte[100], "zeros", tfliteByName: true)).Problems);
        Assert.Contains("file identifier", problem.Message);
        problem = Assert.Single(Assert.Throws<ModelImportException>(() => ModelImporter.Read([1, 2, 3], "short", tfliteByName: true)).Problems);
        Assert.Contains("fewer than a flatbuffer's 8-byte header", problem.Message);
    }

    [Fact]
    public void AVectorLengthBeyondTheFileIsRefusedBeforeAllocating()
    {
        byte[] data = File.ReadAllBytes(TestModels.MobileNetV2);
        // The length word of the largest constant buffer's data vector, found through the checked reader.
        var reader = new FlatBufferReader(data);
        var buffers = reader.Root("TFL3", "model").Vector(4, "buffers", 4)!.Value;
        var largest = Enumerable.Range(1, buffers.Count - 1)
            .Select(i => reader.Root("TFL3", "model").TableElement(buffers, i, "buffers").Vector(0, "data", 1))
            .OfType<FlatVector>()
            .MaxBy(v => v.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(largest.Start - 4), 0x7FFFFFF0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var problem = Assert.Single(Refusals.Of(data));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Matches(@"^model\.buffers\[\d+\]\.data$", problem.Attribute);
        Assert.Contains("vector of 2147483632 elements of 1 bytes", problem.Message);
        Assert.InRange(allocated, 0, 64L << 20); // the model's own tensors, not 2 GB
    }

    [Fact]
    public void RandomByteChangesNeverEscapeAsAnotherException()
    {
        byte[] original = File.ReadAllBytes(TestModels.Crafted("valid"));
        var random = new Random(13);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] data = (byte[])original.Clone();
            for (int changes = random.Next(1, 4); changes > 0; changes--)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            try
            {
                ModelImporter.Read(data, "mutated.tflite", tfliteByName: true);
            }
            catch (ModelImportException e)
            {
                Assert.NotEmpty(e.Problems);
                refused++;
            }
        }

        Assert.InRange(refused, 200, 2000); // many changes land in weights and stay valid; many do not
    }

    [Fact]
    public void SharedVectorsReadOverAndOverExhaustTheBudget()
    {
        // 200,000 operators that all point to one operator table with a 20,000-entry input vector: 880 KB of file
        // that would expand to 16 GB of input lists if each were copied.
        var builder = new FlatBufferBuilder(1 << 20);
        builder.StartVector(4, 20_000, 4);
        for (int i = 0; i < 20_000; i++)
        {
            builder.AddInt(-1);
        }

        var inputs = builder.EndVector();
        builder.StartTable(2);
        builder.AddOffset(1, inputs.Value, 0);
        int op = builder.EndTable();
        builder.StartVector(4, 200_000, 4);
        for (int i = 0; i < 200_000; i++)
        {
            builder.AddOffset(op);
        }

        var operators = builder.EndVector();
        builder.StartTable(4);
        builder.AddOffset(3, operators.Value, 0);
        int subgraph = builder.EndTable();
        builder.StartTable(4);
        builder.AddInt(3, 0, 0); // builtin_code ADD
        int code = builder.EndTable();
        var codes = Vector(builder, code);
        var subgraphs = Vector(builder, subgraph);
        builder.StartTable(3);
        builder.AddUint(0, 3, 0);
        builder.AddOffset(1, codes.Value, 0);
        builder.AddOffset(2, subgraphs.Value, 0);
        int model = builder.EndTable();
        builder.Finish(model, "TFL3");
        byte[] data = builder.SizedByteArray();

        var problem = Assert.Single(Refusals.Of(data));
        Assert.Contains("references more data than", problem.Message);
        Assert.StartsWith("model.subgraphs[0].operators[", problem.Attribute);
    }

    private static VectorOffset Vector(FlatBufferBuilder builder, int element)
    {
        builder.StartVector(4, 1, 4);
        builder.AddOffset(element);
        return builder.EndVector();
    }
}
