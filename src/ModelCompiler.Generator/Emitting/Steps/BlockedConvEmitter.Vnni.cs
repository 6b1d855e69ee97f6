using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The blocked convolution's AVX-512 kernel whose inner product is vpdpbusd (MultiplyAddBytes).</summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// One vpdpbusd per 8 lanes x 4 bytes instead of the three instructions of the AVX-512BW kernel. .NET 10 has the
    /// instruction only at 256 bits (AvxVnni), so each 16-channel accumulator is two 8-lane halves (the halves of the
    /// packed weights' 64-byte rows); the JIT encodes them with EVEX, so all 32 registers hold accumulators, and the
    /// step blocks half as many channels as the AVX-512BW kernel when the registers would not hold them. The halves
    /// are joined for the same 512-bit requantization.
    /// </summary>
    private static void WriteAvx512Vnni(SourceWriter w, Int8BlockedConvStep s)
    {
        int p = s.Pixels;
        int v = BlockedConvLowering.VectorsFor(s.PaddedOutputChannels / WeightPacking.Lanes, p, registersPerVector: 2);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes / v;
        w.WriteLine($"/// <summary>AVX-512 with vpdpbusd (MultiplyAddBytes; emulated without AVX-VNNI): {Int(p)} pixels x {Int(v * 16)} channels per step, {Int(2 * p * v)} 8-lane accumulators; u8 x s8 quadruples summed into int32.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Avx512Vnni(ref byte padded, ref sbyte output, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref long requantization = {DataReference(s.MethodName + "_Requantization", "long")};");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine($"ref sbyte blockWeights = ref Unsafe.Add(ref weights, b * {Int(v * s.BlockBytes)});");
                w.WriteLine($"int channel = b * {Int(v * 16)};");
                OpenPixelLoops(w, s, p);
                for (int i = 0; i < p; i++)
                {
                    w.WriteLine(string.Join(", ", Enumerable.Range(0, v).SelectMany(j => new[] { $"a{i}_{j}l", $"a{i}_{j}h" }).Select((name, n) => (n == 0 ? "Vector256<int> " : string.Empty) + name + " = Vector256<int>.Zero").ToArray()) + ";");
                }

                WriteKernelLoops(w, s, v, "Vector256",
                    j => $"Vector256<sbyte> w{j}l = Vector256.LoadUnsafe(ref k{(j == 0 ? string.Empty : ", " + Int(j * s.BlockBytes))}), w{j}h = Vector256.LoadUnsafe(ref k, {Int(j * s.BlockBytes + 32)});",
                    (i, j) => $"a{i}_{j}l = {ByteProduct(s)}(a{i}_{j}l, u{i}, w{j}l); a{i}_{j}h = {ByteProduct(s)}(a{i}_{j}h, u{i}, w{j}h);");
                w.WriteLine();
                WriteRequantizeStores512(w, s, v, (i, j) => $"Vector512.Create(a{i}_{j}l, a{i}_{j}h)", j =>
                {
                    string low = $"a0_{j}l", high = $"a0_{j}h";
                    for (int i = 1; i < p; i++)
                    {
                        low = $"Avx2.Max({low}, a{i}_{j}l)";
                        high = $"Avx2.Max({high}, a{i}_{j}h)";
                    }

                    return $"Vector512.Create({low}, {high})";
                });
                ClosePixelLoops(w);
            }
        }
    }
}
