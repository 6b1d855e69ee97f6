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

    /// <summary>
    /// The AVX2 8-bit blocked convolution's weights widened to int16 once, from the packed bytes
    /// [Cout/16][Kh][groups][16 channels][4 bytes] (every 64-byte group of a block), into four quarters of 4 channels x 4
    /// int16 per group in the order channels 0 1 4 5 | 2 3 6 7 | 8 9 12 13 | 10 11 14 15: the kernel's vpmaddwd reads
    /// them as they are (no vpmovsxbw per weight vector), and one vphaddd of quarters 0 and 1 (2 and 3) leaves channels
    /// 0-7 (8-15) in order, since it adds within each 128-bit lane (channels 0 1 | 4 5 of the first with 2 3 | 6 7 of
    /// the second).
    /// </summary>
    internal static short[] WidenBlockedPairs(ReadOnlySpan<char> data, int count)
    {
        ReadOnlySpan<sbyte> packed = MemoryMarshal.Cast<char, sbyte>(data);
        var wide = new short[count];
        for (int group = 0; group < count; group += 64)
        {
            for (int slot = 0; slot < 16; slot++)
            {
                int channel = QuarterChannel(slot);
                for (int b = 0; b < 4; b++)
                {
                    wide[group + (4 * slot) + b] = packed[group + (4 * channel) + b];
                }
            }
        }

        return wide;
    }

    /// <summary>
    /// The same weights in the order of <see cref="WidenBlockedPairs"/> but still one byte each, for the layers whose
    /// blocks are too large to read as int16 at every step (the kernel widens each quarter with vpmovsxbw as it loads it).
    /// </summary>
    internal static sbyte[] ReorderBlockedQuarters(ReadOnlySpan<char> data, int count)
    {
        ReadOnlySpan<sbyte> packed = MemoryMarshal.Cast<char, sbyte>(data);
        var reordered = new sbyte[count];
        for (int group = 0; group < count; group += 64)
        {
            for (int slot = 0; slot < 16; slot++)
            {
                packed.Slice(group + (4 * QuarterChannel(slot)), 4).CopyTo(reordered.AsSpan(group + (4 * slot), 4));
            }
        }

        return reordered;
    }

    /// <summary>
    /// The bias of the AVX2 8-bit blocked convolution laid out as its four accumulators of each 16-channel block start:
    /// per quarter 8 int32, channel c's bias in the first of its two partial sums (the lane vphaddd adds to the second),
    /// 0 in the other, in the order of <see cref="WidenBlockedPairs"/>; <paramref name="channels"/> is a multiple of 16.
    /// </summary>
    internal static int[] QuarterBias(ReadOnlySpan<int> bias, int channels)
    {
        var quartered = new int[channels * 2];
        for (int block = 0; block < channels; block += 16)
        {
            for (int slot = 0; slot < 16; slot++)
            {
                quartered[(2 * block) + (2 * slot)] = bias[block + QuarterChannel(slot)];
            }
        }

        return quartered;
    }

    /// <summary>
    /// The AVX2 pointwise kernel's weights widened to int16 once, from the packed bytes [Cout/16][groups][16 channels][4
    /// bytes], into four vectors of 16 int16 per group: the pair of input bytes 0-1 of channels 0-7, of channels 8-15,
    /// then the pair of bytes 2-3 of channels 0-7, of 8-15, each channel's two weights adjacent. A vpmaddwd of one such
    /// vector with a broadcast int16 pair of the input leaves 8 channels' sums in order (no partial sums to join).
    /// </summary>
    internal static short[] WidenChannelPairs(ReadOnlySpan<char> data, int count) =>
        Array.ConvertAll(ReorderChannelPairs(data, count), w => (short)w);

    /// <summary>
    /// The same weights in the order of <see cref="WidenChannelPairs"/> but still one byte each, for the pointwise layers
    /// whose blocks are too large to read as int16 at every step (the kernel widens each vector with vpmovsxbw as it loads it).
    /// </summary>
    internal static sbyte[] ReorderChannelPairs(ReadOnlySpan<char> data, int count)
    {
        ReadOnlySpan<sbyte> packed = MemoryMarshal.Cast<char, sbyte>(data);
        var reordered = new sbyte[count];
        for (int i = 0; i < count; i++)
        {
            reordered[i] = packed[ChannelPairSource(i)];
        }

        return reordered;
    }

    /// <summary>
    /// Where entry <paramref name="i"/> of the channel-pair layout comes from in the packed bytes: in its 64-entry group,
    /// vector v = 2 * pair + half holds channels 8 * half to 8 * half + 7, two entries each (bytes 2 * pair and 2 * pair + 1).
    /// </summary>
    private static int ChannelPairSource(int i)
    {
        int group = i - (i % 64), vector = (i % 64) / 16, lane = (i % 16) / 2, element = i % 2;
        int channel = (8 * (vector % 2)) + lane, pair = vector / 2;
        return group + (4 * channel) + (2 * pair) + element;
    }

    /// <summary>The block channel whose 4 weights the widened layout's slot (4 channels a quarter, 4 quarters) holds.</summary>
    private static int QuarterChannel(int slot) => (8 * (slot / 8)) + (2 * ((slot / 4) % 2)) + (slot % 2) + (4 * ((slot / 2) % 2));
}
