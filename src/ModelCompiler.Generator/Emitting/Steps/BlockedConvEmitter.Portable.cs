using ModelCompiler.Generator.Planning;
using ModelCompiler.Generator.Planning.Lowering;
using static ModelCompiler.Generator.Emitting.Literals;

namespace ModelCompiler.Generator.Emitting.Steps;

/// <summary>The blocked convolution's portable kernels: cross-platform Vector128 (ARM64 too) and scalar.</summary>
internal sealed partial class BlockedConvEmitter
{
    /// <summary>
    /// Cross-platform Vector128 (SSE on x86, AdvSimd on ARM64): u8 and s8 widened to int16 and multiplied (exact:
    /// 255 * 127 fits), widened again and summed per (lane, j) in 16 int32 accumulators, one per channel of the block;
    /// the 4 partial sums of each channel are added at the end.
    /// </summary>
    private static void WriteVector128(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        int rowBytes = s.PaddedWidth * c.Channels;
        int pixels = s.Pool is null ? 1 : offsets.Length;
        w.WriteLine("/// <summary>Vector128 (any CPU with 128-bit vectors, ARM64 included): one pixel x 16 channels per step, u8 and s8 widened to int16.</summary>");
        w.WriteLine("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        using (w.OpenBlock($"private static void {s.MethodName}_Vector128(ref byte padded, ref sbyte output, ref int staged, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine("int channel = b * 16;");
                OpenPixelLoops(w, s, s.Pool is null ? 1 : s.Pixels);
                using (w.OpenBlock($"for (int pixel = 0; pixel < {Int(pixels)}; pixel++)"))
                {
                    if (s.Pool is { } pool)
                    {
                        w.WriteLine($"ref byte pixelWindow = ref Unsafe.Add(ref window, (pixel / {Int(pool.KernelWidth)}) * {Int(c.StrideHeight * rowBytes)} + (pixel % {Int(pool.KernelWidth)}) * {Int(c.StrideWidth * c.Channels)});");
                    }
                    else
                    {
                        w.WriteLine("ref byte pixelWindow = ref window;");
                    }

                    for (int q = 0; q < 4; q++)
                    {
                        w.WriteLine(string.Join(", ", Enumerable.Range(4 * q, 4).Select(i => $"{(i == 4 * q ? "Vector128<int> " : string.Empty)}c{i} = Vector128<int>.Zero").ToArray()) + ";");
                    }

                    w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, b * {Int(s.BlockBytes)});");
                    using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                    {
                        w.WriteLine($"ref byte row = ref Unsafe.Add(ref pixelWindow, ky * {Int(rowBytes)});");
                        using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r += 4)"))
                        {
                            w.WriteLine("Vector128<short> u = Vector128.WidenLower(Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, r))).AsByte()).AsInt16();");
                            for (int q = 0; q < 4; q++)
                            {
                                w.WriteLine($"Vector128<sbyte> w{q} = Vector128.LoadUnsafe(ref k{(q == 0 ? string.Empty : $", {Int(16 * q)}")});");
                                w.WriteLine($"Vector128<short> p{q}a = Vector128.WidenLower(w{q}) * u, p{q}b = Vector128.WidenUpper(w{q}) * u;");
                                w.WriteLine($"c{4 * q} += Vector128.WidenLower(p{q}a); c{4 * q + 1} += Vector128.WidenUpper(p{q}a); c{4 * q + 2} += Vector128.WidenLower(p{q}b); c{4 * q + 3} += Vector128.WidenUpper(p{q}b);");
                            }

                            w.WriteLine("k = ref Unsafe.Add(ref k, 64);");
                        }
                    }

                    w.WriteLine();
                    for (int i = 0; i < 16; i++)
                    {
                        w.WriteLine($"int s{i} = Vector128.Sum(c{i}); Unsafe.Add(ref staged, {Int(i)}) = pixel == 0 || s{i} > Unsafe.Add(ref staged, {Int(i)}) ? s{i} : Unsafe.Add(ref staged, {Int(i)});");
                    }
                }

                w.WriteLine();
                w.WriteLine("(Vector128.LoadUnsafe(ref staged) + Vector128.LoadUnsafe(ref bias, (nuint)channel)).StoreUnsafe(ref staged);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 4) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 4))).StoreUnsafe(ref staged, 4);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 8) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 8))).StoreUnsafe(ref staged, 8);");
                w.WriteLine("(Vector128.LoadUnsafe(ref staged, 12) + Vector128.LoadUnsafe(ref bias, (nuint)(channel + 12))).StoreUnsafe(ref staged, 12);");
                w.WriteLine($"RequantizeStaged<{RoundingType(s.Requantization.Rounding)}>(ref staged, ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + channel), {Count(s, "channel")});");
                ClosePixelLoops(w);
            }
        }
    }

    private static void WriteScalar(SourceWriter w, Int8BlockedConvStep s)
    {
        var c = s.Conv;
        var offsets = PixelOffsets(s);
        int blocks = s.PaddedOutputChannels / WeightPacking.Lanes;
        int rowBytes = s.PaddedWidth * c.Channels;
        w.WriteLine("/// <summary>Scalar: the same packed weights and uint8 input, one output position and channel at a time.</summary>");
        using (w.OpenBlock($"private static void {s.MethodName}_Scalar(ref byte padded, ref sbyte output, ref int staged, int start, int end)"))
        {
            WriteConstantsReferences(w, s);
            w.WriteLine($"ref int shifts = ref MemoryMarshal.GetReference({s.MethodName}_Shifts);");
            using (w.OpenBlock($"for (int b = 0; b < {Int(blocks)}; b++)"))
            {
                w.WriteLine("int channel = b * 16;");
                OpenPixelLoops(w, s, s.Pool is null ? 1 : s.Pixels);
                using (w.OpenBlock("for (int lane = 0; lane < 16; lane++)"))
                {
                    w.WriteLine("int best = int.MinValue;");
                    using (w.OpenBlock($"for (int pixel = 0; pixel < {Int(s.Pool is null ? 1 : offsets.Length)}; pixel++)"))
                    {
                        if (s.Pool is { } pool)
                        {
                            w.WriteLine($"ref byte pixelWindow = ref Unsafe.Add(ref window, (pixel / {Int(pool.KernelWidth)}) * {Int(c.StrideHeight * rowBytes)} + (pixel % {Int(pool.KernelWidth)}) * {Int(c.StrideWidth * c.Channels)});");
                        }
                        else
                        {
                            w.WriteLine("ref byte pixelWindow = ref window;");
                        }

                        w.WriteLine("int sum = 0;");
                        using (w.OpenBlock($"for (int ky = 0; ky < {Int(c.KernelHeight)}; ky++)"))
                        {
                            w.WriteLine($"ref byte row = ref Unsafe.Add(ref pixelWindow, ky * {Int(rowBytes)});");
                            w.WriteLine($"ref sbyte k = ref Unsafe.Add(ref weights, (b * {Int(c.KernelHeight)} + ky) * {Int(s.Groups * 64)} + lane * 4);");
                            using (w.OpenBlock($"for (int r = 0; r < {Int(4 * s.Groups)}; r++)"))
                            {
                                w.WriteLine("sum += Unsafe.Add(ref row, r) * Unsafe.Add(ref k, (r >> 2) * 64 + (r & 3));");
                            }
                        }

                        w.WriteLine("best = sum > best ? sum : best;");
                    }


                    w.WriteLine("Unsafe.Add(ref staged, lane) = best + Unsafe.Add(ref bias, channel + lane);");
                }

                w.WriteLine();
                w.WriteLine($"RequantizeStaged<{RoundingType(s.Requantization.Rounding)}>(ref staged, ref Unsafe.Add(ref multipliers, channel), ref Unsafe.Add(ref shifts, channel), {Int(s.OutputZeroPoint)}, {Int(s.Min)}, {Int(s.Max)}, ref Unsafe.Add(ref output, {OutputIndex(s, 0)} + channel), {Count(s, "channel")});");
                ClosePixelLoops(w);
            }
        }
    }
}
