using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelCompiler.Arithmetic;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>Float16 weight bits widened exactly to float32 (HalfConversion.ToSingle), once, when a model first uses them.</summary>
    internal static float[] WidenHalf(ReadOnlySpan<char> data, int count)
    {
        ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<char, ushort>(data);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = HalfConversion.ToSingle(bits[i]);
        }

        return values;
    }

    /// <summary>Slot i of a [block][perOutput][16] layout belongs to output channel (i / (16 * perOutput)) * 16 + i % 16.</summary>
    internal static float[] WidenInt8(ReadOnlySpan<char> data, ReadOnlySpan<char> scaleData, int count, int perOutput)
    {
        ReadOnlySpan<sbyte> q = MemoryMarshal.Cast<char, sbyte>(data);
        ReadOnlySpan<float> scales = MemoryMarshal.Cast<char, float>(scaleData);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            float value = q[i];
            values[i] = value * scales[(i / (16 * perOutput)) * 16 + i % 16];
        }

        return values;
    }
}
