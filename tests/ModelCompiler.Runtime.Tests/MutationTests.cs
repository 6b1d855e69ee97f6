using System.Diagnostics;
using System.Text;
using CsCheck;
using ModelCompiler.Format;
using Xunit.Abstractions;
using ModelCompiler.Testing;

namespace ModelCompiler.Runtime.Tests;

/// <summary>
/// Corrupts valid model texts (version 1 and version 2 graphs) at random (seeded, so every run is the same) and checks that the reader either
/// accepts the text or throws <see cref="QModelFormatException"/>; nothing else may escape, no parse may allocate
/// far more than the text's size, and whatever it accepts must round-trip through the writer.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    /// <summary>CI runs this many; set QMODEL_MUTATIONS / QMODEL_MUTATION_SEED to fuzz longer or elsewhere locally.</summary>
    private static readonly int Mutations = int.TryParse(Environment.GetEnvironmentVariable("QMODEL_MUTATIONS"), out int n) ? n : 50000;

    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("QMODEL_MUTATION_SEED"), out ulong s) ? s : 2026;

    private static readonly string[] NumberReplacements =
    [
        "0", "-1", "1", "-0", "7", "63", "64", "-64", "127", "128", "-128", "-129", "255", "16384", "16385", "65536", "67108864", "67108865",
        "2147483647", "2147483648", "-2147483648", "4294967296", "99999999999999999999999999", "1e39", "-1e39",
        "1e-46", "NaN", "Infinity", "-Infinity", "0.5", "1.", ".5", "1e", "0x10", "1,5",
    ];

    private static readonly string[] Words =
    [
        "int8", "int32", "float32", "float16", "dynamic_int8", "valid", "same", "none", "relu", "relu6", "hwc", "chw",
        "weight_bits", "7", "conv2d", "dense", "maxpool2d", "avgpool2d", "global_avgpool", "flatten", "softmax", "quantize", "dequantize",
        "weights", "weight_scales", "bias", "end", "layer", "labels", "name", "input", "class", "",
        "depthwise_conv2d", "add", "inputs", "expand", "project", "residual", "shortcut", "qmodel",
    ];

    private static readonly char[] Characters =
        [' ', '\n', '\r', '\t', '\0', '"', '\\', '=', '#', '-', '.', 'e', '0', '9', 'A', '/', '+', 'é', '\uD800', '\uFEFF', '\u0085'];

    [Fact]
    [Trait("Category", "Slow")]
    public void CorruptedTextsOnlyEverThrowTheFormatException()
    {
        var seeds = new List<string> { MalformedModels.BaseText, MalformedModels.GraphBaseText };
        var pcg = new PCG(11, Seed);
        for (int i = 0; i < 6; i++)
        {
            seeds.Add(QModelWriter.Write(RandomModels.Create(pcg)));
        }

        var codes = new SortedDictionary<QModelError, int>();
        int accepted = 0, acceptedGraphs = 0;
        long worstTicks = 0;
        int slowest = -1;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < Mutations; i++)
        {
            string original = seeds[i % seeds.Count];
            string mutated = Mutate(original, pcg);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            try
            {
                var model = QModelReader.Read(mutated);
                accepted++;
                acceptedGraphs += TensorChain.InferGraph(model).IsSequential ? 0 : 1;
                var again = QModelReader.Read(QModelWriter.Write(model));
                ModelDifference.AssertEqual(model, again);
            }
            catch (QModelFormatException e)
            {
                codes[e.Code] = codes.GetValueOrDefault(e.Code) + 1;
                Assert.InRange(e.Line, 1, mutated.Count(c => c == '\n') + 1);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} escaped with {e.GetType().Name}: {e.Message}\n--- text ---\n{mutated}");
            }

            long ticks = Stopwatch.GetTimestamp() - started;
            if (ticks > worstTicks)
            {
                (worstTicks, slowest) = (ticks, i);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < (200L * mutated.Length) + (1 << 20), $"mutation {i} allocated {allocated} bytes for {mutated.Length} characters");
        }

        output.WriteLine($"{Mutations} mutations (seed {Seed}) in {total.Elapsed.TotalSeconds:F1} s (slowest parse: mutation {slowest}, {worstTicks * 1000.0 / Stopwatch.Frequency:F1} ms); accepted {accepted}, of which graphs {acceptedGraphs}");
        foreach (var (code, count) in codes)
        {
            output.WriteLine($"  {code}: {count}");
        }

        // Most corruptions must be caught, and the errors must be varied (the mutations reach deep into the reader).
        Assert.True(accepted < Mutations / 2, $"{accepted} of {Mutations} corrupted texts were accepted");
        Assert.True(codes.Count >= 15, $"only {codes.Count} distinct error codes were produced");

        // Version 2 files are among the seeds, and their own errors are reached.
        Assert.True(acceptedGraphs > 0, "no mutated graph was accepted");
        Assert.Empty(new[] { QModelError.DanglingReference, QModelError.ForwardReference, QModelError.UnusedTensor }.Except(codes.Keys));
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(60), $"took {total.Elapsed}");
    }

    private static string Mutate(string text, PCG pcg)
    {
        int edits = 1 + (int)pcg.Next(3);
        for (int e = 0; e < edits; e++)
        {
            text = MutateOnce(text, pcg);
        }

        return text;
    }

    private static string MutateOnce(string text, PCG pcg)
    {
        if (text.Length == 0)
        {
            return "x";
        }

        int at = (int)pcg.Next((uint)text.Length);
        var lines = text.Split('\n').ToList();
        int line = (int)pcg.Next((uint)lines.Count);
        switch (pcg.Next(12))
        {
            case 0:
                return text.Remove(at, 1).Insert(at, Pick(Characters, pcg).ToString());
            case 1:
                return text.Insert(at, Pick(Characters, pcg).ToString());
            case 2:
                return text.Remove(at, Math.Min(text.Length - at, 1 + (int)pcg.Next(20)));
            case 3:
                lines.Insert(line, lines[line]);
                return string.Join('\n', lines);
            case 4:
                lines.RemoveAt(line);
                return string.Join('\n', lines);
            case 5:
                int other = (int)pcg.Next((uint)lines.Count);
                (lines[line], lines[other]) = (lines[other], lines[line]);
                return string.Join('\n', lines);
            case 6 or 7:
                return ReplaceNumber(text, at, pcg);
            case 8:
                return text.Substring(0, at);
            case 9:
                return ReplaceWord(lines, line, pcg);
            case 10:
                return ChangeBase64(text, at, pcg);
            default:
                return text.Remove(at, 1).Insert(at, ((char)(text[at] ^ (1 << (int)pcg.Next(7)))).ToString());
        }
    }

    /// <summary>Replaces the first run of digits at or after <paramref name="at"/> with an edge-case number.</summary>
    private static string ReplaceNumber(string text, int at, PCG pcg)
    {
        int start = at;
        while (start < text.Length && !char.IsAsciiDigit(text[start]))
        {
            start++;
        }

        int end = start;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '.' or 'E' or '-' or '+'))
        {
            end++;
        }

        return start >= text.Length ? text : text.Substring(0, start) + Pick(NumberReplacements, pcg) + text.Substring(end);
    }

    private static string ReplaceWord(List<string> lines, int line, PCG pcg)
    {
        var tokens = lines[line].Split(' ');
        int k = (int)pcg.Next((uint)tokens.Length);
        if (tokens[k].Length > 0)
        {
            tokens[k] = Pick(Words, pcg);
        }

        lines[line] = string.Join(' ', tokens);
        return string.Join('\n', lines);
    }

    /// <summary>Swaps one base64 character for another valid one, so decoding succeeds and the values are checked.</summary>
    private static string ChangeBase64(string text, int at, PCG pcg)
    {
        int index = text.IndexOf("\n    ", at, StringComparison.Ordinal);
        if (index < 0 || index + 5 >= text.Length)
        {
            return text;
        }

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int position = index + 5 + (int)pcg.Next(4);
        if (position >= text.Length || alphabet.IndexOf(text[position]) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text);
        builder[position] = Pick(alphabet.ToCharArray(), pcg);
        return builder.ToString();
    }

    private static T Pick<T>(T[] choices, PCG pcg) => choices[pcg.Next((uint)choices.Length)];
}
