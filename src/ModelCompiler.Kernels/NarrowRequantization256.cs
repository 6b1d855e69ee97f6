using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelCompiler.Kernels;

internal static partial class KernelLibrary
{
    /// <summary>
    /// The AVX2 form of <see cref="RequantizeStoreNarrow512{TRounding}"/>: 16 accumulators of one block, as two 8-lane
    /// halves, requantized exactly with the same 48-int64 table (NarrowRequantization.Constants), clamped and stored.
    /// AVX2 has no 64-bit arithmetic shift, so the shift goes in two floors: the high int32 half of the 64-bit sum
    /// <c>Y</c> is <c>floor(Y / 2^32)</c>, and <c>floor(floor(Y / 2^32) / 2^(s-32)) = floor(Y / 2^s)</c>, one vpsravd
    /// by <c>s - 32</c> (every shift here is in [32, 54]). <paramref name="lowShifts"/> and <paramref name="highShifts"/>
    /// are those <c>s - 32</c> in channel order (<see cref="NarrowShifts256"/>), computed once per block by the caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RequantizeStoreNarrow256<TRounding>(
        Vector256<int> low, Vector256<int> high, ref long constants, Vector256<int> lowShifts, Vector256<int> highShifts, int min, int max, ref sbyte target, int count)
        where TRounding : struct
    {
        Vector128<sbyte> bytes = NarrowPack256(
            NarrowRequantize256<TRounding>(low, ref constants, lowShifts),
            NarrowRequantize256<TRounding>(high, ref Unsafe.Add(ref constants, 4), highShifts),
            min,
            max);
        if (count >= 16)
        {
            bytes.StoreUnsafe(ref target);
        }
        else
        {
            StoreFirst(bytes, ref target, count);
        }
    }

    /// <summary>
    /// The <c>s - 32</c> of the 8 channels of one half of a block, in channel order, from the table's even shifts
    /// (<c>s</c>) and odd shifts (<c>s - 32</c>); <paramref name="half"/> is the table at the half's first entry (the
    /// block's table, plus 4 for its high half).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowShifts256(ref long half) =>
        Avx2.Blend(
            Avx2.Subtract(Vector256.LoadUnsafe(ref half), Vector256.Create(32L)).AsInt32(),
            Avx2.ShiftLeftLogical(Vector256.LoadUnsafe(ref half, 8), 32).AsInt32(),
            0b1010_1010);

    /// <summary>
    /// The narrow requantization of one half before the clamp: 64-bit products of the even and of the odd lanes
    /// (vpmuldq), plus the terms (zero point folded in; TFLite's correction where a product is negative), then the
    /// high halves of both joined by one blend and shifted by <c>s - 32</c> (see <see cref="RequantizeStoreNarrow256{TRounding}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowRequantize256<TRounding>(Vector256<int> acc, ref long half, Vector256<int> shiftsLess32)
        where TRounding : struct
    {
        var (evenSum, oddSum) = NarrowSums256<TRounding>(acc, ref half);
        Vector256<int> highHalves = Avx2.Blend(Avx2.ShiftRightLogical(evenSum, 32).AsInt32(), oddSum.AsInt32(), 0b1010_1010);
        return Avx2.ShiftRightArithmeticVariable(highHalves, shiftsLess32.AsUInt32());
    }

    /// <summary>
    /// The 64-bit sums of one half before the shift: the even and the odd lanes' products (vpmuldq) plus their terms
    /// (zero point folded in), less TFLite's correction where a product is negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<long> Even, Vector256<long> Odd) NarrowSums256<TRounding>(Vector256<int> acc, ref long half)
        where TRounding : struct
    {
        Vector256<long> even = Avx2.Multiply(acc, Vector256.LoadUnsafe(ref half, 32).AsInt32());
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(acc.AsInt64(), 32).AsInt32(), Vector256.LoadUnsafe(ref half, 40).AsInt32());
        Vector256<long> evenSum = Avx2.Add(even, Vector256.LoadUnsafe(ref half, 16));
        Vector256<long> oddSum = Avx2.Add(odd, Vector256.LoadUnsafe(ref half, 24));
        if (typeof(TRounding) == typeof(TfliteRounding))
        {
            Vector256<long> correction = Vector256.Create(1L << 31);
            evenSum = Avx2.Subtract(evenSum, Avx2.CompareGreaterThan(Vector256<long>.Zero, even) & correction);
            oddSum = Avx2.Subtract(oddSum, Avx2.CompareGreaterThan(Vector256<long>.Zero, odd) & correction);
        }

        return (evenSum, oddSum);
    }

    /// <summary>
    /// Two halves of requantized int32 lanes clamped to [<paramref name="min"/>, <paramref name="max"/>] and narrowed to
    /// 16 bytes in channel order. The clamp is done on int16 after a saturating pack: the bounds lie inside int8, so
    /// clamping the saturated value equals clamping the int32 one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> NarrowPack256(Vector256<int> low, Vector256<int> high, int min, int max)
    {
        // vpackssdw packs within 128-bit lanes: low 0-3, high 0-3 | low 4-7, high 4-7; vpermq puts them in order.
        Vector256<short> words = Avx2.Permute4x64(Avx2.PackSignedSaturate(low, high).AsInt64(), 0b11_01_10_00).AsInt16();
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            words = Avx2.Min(Avx2.Max(words, Vector256.Create((short)min)), Vector256.Create((short)max));
        }

        return Sse2.PackSignedSaturate(words.GetLower(), words.GetUpper());
    }

    /// <summary>
    /// <see cref="NarrowShifts256"/> in the order <see cref="NarrowRequantizeShuffled256{TRounding}"/> leaves its lanes:
    /// channels 0, 2, 1, 3 | 4, 6, 5, 7 of the half (one vshufps of the even and the odd shifts' low halves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowShiftsShuffled256(ref long half) =>
        Avx.Shuffle(
            Avx2.Subtract(Vector256.LoadUnsafe(ref half), Vector256.Create(32L)).AsSingle(),
            Vector256.LoadUnsafe(ref half, 8).AsSingle(),
            0b10_00_10_00).AsInt32();

    /// <summary>
    /// <see cref="NarrowRequantize256{TRounding}"/> with one vshufps where it shifts the even sums and blends: the high
    /// halves of the even and of the odd sums joined in the order channels 0, 2, 1, 3 | 4, 6, 5, 7, one op less per
    /// half; <paramref name="shuffledShiftsLess32"/> is <see cref="NarrowShiftsShuffled256"/>, in that order, and
    /// <see cref="NarrowPackShuffled256"/> puts the bytes back in channel order. vshufps moves bits only (no float
    /// arithmetic), so the integer lanes pass through unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowRequantizeShuffled256<TRounding>(Vector256<int> acc, ref long half, Vector256<int> shuffledShiftsLess32)
        where TRounding : struct
    {
        var (evenSum, oddSum) = NarrowSums256<TRounding>(acc, ref half);
        Vector256<int> highHalves = Avx.Shuffle(evenSum.AsSingle(), oddSum.AsSingle(), 0b11_01_11_01).AsInt32();
        return Avx2.ShiftRightArithmeticVariable(highHalves, shuffledShiftsLess32.AsUInt32());
    }

    /// <summary>
    /// Two pixels' blocks (their low and high halves from <see cref="NarrowRequantizeShuffled256{TRounding}"/>)
    /// clamped to [<paramref name="min"/>, <paramref name="max"/>] and narrowed to 32 bytes: pixel A's 16 channels in
    /// order, then pixel B's. vpackssdw and vpacksswb saturate (the bounds lie inside int8, so clamping the saturated
    /// bytes is clamping the values) and pack within 128-bit lanes, leaving per lane the dwords A 0-3, A 8-11, B 0-3,
    /// B 8-11 | A 4-7, A 12-15, B 4-7, B 12-15, each with its bytes in the order 0, 2, 1, 3: one vpshufb swaps the
    /// middle bytes and one vpermd orders the dwords. Against two <see cref="NarrowPack256"/> (vpermq, vextracti128,
    /// vpacksswb each), one pack and two shuffles for both pixels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<sbyte> NarrowPackShuffled256(Vector256<int> lowA, Vector256<int> highA, Vector256<int> lowB, Vector256<int> highB, int min, int max)
    {
        Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(lowA, highA), Avx2.PackSignedSaturate(lowB, highB));
        Vector256<sbyte> middle = Vector256.Create((sbyte)0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15, 0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15);
        bytes = Avx2.PermuteVar8x32(Avx2.Shuffle(bytes, middle).AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            bytes = Avx2.Min(Avx2.Max(bytes, Vector256.Create((sbyte)min)), Vector256.Create((sbyte)max));
        }

        return bytes;
    }

    /// <summary>
    /// Two pixels' requantized blocks (low and high halves from <see cref="NarrowRequantizeShuffled256{TRounding}"/>)
    /// packed (<see cref="NarrowPackShuffled256"/>) and stored: pixel A's <paramref name="count"/> bytes (at most 16) to
    /// <paramref name="targetA"/>, pixel B's to <paramref name="targetB"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreNarrowPair256(
        Vector256<int> lowA, Vector256<int> highA, Vector256<int> lowB, Vector256<int> highB, int min, int max, ref sbyte targetA, ref sbyte targetB, int count)
    {
        Vector256<sbyte> bytes = NarrowPackShuffled256(lowA, highA, lowB, highB, min, max);
        StorePairHalves(bytes, ref targetA, ref targetB, count);
    }

    /// <summary>One pixel's requantized block stored as <see cref="StoreNarrowPair256"/> stores pixel A (the odd pixel at the end of a step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreNarrowShuffled256(Vector256<int> low, Vector256<int> high, int min, int max, ref sbyte target, int count)
    {
        Vector128<sbyte> bytes = NarrowPackShuffled256(low, high, low, high, min, max).GetLower();
        if (count >= 16)
        {
            bytes.StoreUnsafe(ref target);
        }
        else
        {
            StoreFirst(bytes, ref target, count);
        }
    }

    /// <summary>The first <paramref name="count"/> bytes (at most 16) of each 128-bit half: the low to <paramref name="targetA"/>, the high to <paramref name="targetB"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairHalves(Vector256<sbyte> bytes, ref sbyte targetA, ref sbyte targetB, int count)
    {
        if (count >= 16)
        {
            bytes.GetLower().StoreUnsafe(ref targetA);
            bytes.GetUpper().StoreUnsafe(ref targetB);
        }
        else
        {
            StoreFirst(bytes.GetLower(), ref targetA, count);
            StoreFirst(bytes.GetUpper(), ref targetB, count);
        }
    }

    /// <summary>
    /// <see cref="NarrowShifts256"/> plus one: the <c>s - 31</c> of the half's 8 channels, in channel order, for
    /// <see cref="NarrowRequantizeBySign256"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowShiftsLess31(ref long half) => Avx2.Add(NarrowShifts256(ref half), Vector256.Create(1));

    /// <summary>
    /// TFLite's narrow requantization of one half (<see cref="NarrowRequantize256{TRounding}"/> with
    /// <see cref="TfliteRounding"/>) in fewer operations, for a layer whose generator proved every real channel's
    /// multiplier positive (so a product is negative exactly where its accumulator is; a padded channel's accumulator
    /// and multiplier are 0) and <c>|acc * m + term| &lt; 2^61</c>. The 64-bit sum less 2^31 where the product is
    /// negative, floored by 2^s, is <c>floor((floor(sum / 2^31) - [acc &lt; 0]) / 2^(s-31))</c>: bits 31-62 of each sum
    /// (one shift each: the even sums right by 31 into their low dword, the odd ones left by 1 into their high dword,
    /// joined by one blend, in channel order), plus the accumulator's sign (-1 or 0, one vpsrad), then one vpsravd by
    /// <paramref name="shiftsLess31"/> (<see cref="NarrowShiftsLess31"/>). Against the 64-bit correction, 2 compares,
    /// 2 ands and 2 subtracts, this takes 2 shifts, 1 vpsrad and 1 add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> NarrowRequantizeBySign256(Vector256<int> acc, ref long half, Vector256<int> shiftsLess31)
    {
        Vector256<long> evenSum = Avx2.Add(Avx2.Multiply(acc, Vector256.LoadUnsafe(ref half, 32).AsInt32()), Vector256.LoadUnsafe(ref half, 16));
        Vector256<long> oddSum = Avx2.Add(
            Avx2.Multiply(Avx2.ShiftRightLogical(acc.AsInt64(), 32).AsInt32(), Vector256.LoadUnsafe(ref half, 40).AsInt32()),
            Vector256.LoadUnsafe(ref half, 24));
        Vector256<int> floors = Avx2.Blend(Avx2.ShiftRightLogical(evenSum, 31).AsInt32(), Avx2.ShiftLeftLogical(oddSum, 1).AsInt32(), 0b1010_1010);
        return Avx2.ShiftRightArithmeticVariable(Avx2.Add(floors, Avx2.ShiftRightArithmetic(acc, 31)), shiftsLess31.AsUInt32());
    }

    /// <summary>
    /// Two pixels' requantized blocks in channel order (<see cref="NarrowRequantizeBySign256"/>) clamped to
    /// [<paramref name="min"/>, <paramref name="max"/>], narrowed and stored: pixel A's <paramref name="count"/> bytes
    /// (at most 16) to <paramref name="targetA"/>, pixel B's to <paramref name="targetB"/>. The packs leave per 128-bit
    /// lane the dwords A 0-3, A 8-11, B 0-3, B 8-11 | A 4-7, A 12-15, B 4-7, B 12-15, and one vpermd orders them
    /// (the saturating packs and the bounds inside int8 make clamping the bytes clamping the values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreNarrowPairInOrder256(
        Vector256<int> lowA, Vector256<int> highA, Vector256<int> lowB, Vector256<int> highB, int min, int max, ref sbyte targetA, ref sbyte targetB, int count)
    {
        Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(lowA, highA), Avx2.PackSignedSaturate(lowB, highB));
        bytes = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
        if (min != sbyte.MinValue || max != sbyte.MaxValue)
        {
            bytes = Avx2.Min(Avx2.Max(bytes, Vector256.Create((sbyte)min)), Vector256.Create((sbyte)max));
        }

        StorePairHalves(bytes, ref targetA, ref targetB, count);
    }
}
