using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// Unsigned values of one bit width (0..64) packed back to back, least significant bit first:
/// value i occupies bits [i·w, (i+1)·w) of the little-endian bit stream, in ⌈n·w/8⌉ bytes.
/// </summary>
internal static class BitPacking
{
    public static int ByteCount(int count, int width) => (int)(((long)count * width + 7) >> 3);

    /// <summary>The number of bits of the largest value (0 when every value is 0).</summary>
    public static int Width(ulong maxValue) => 64 - System.Numerics.BitOperations.LeadingZeroCount(maxValue);

    /// <summary>Appends the values packed at <paramref name="width"/> bits; every value must fit.</summary>
    public static void Pack(ReadOnlySpan<ulong> values, int width, ByteBuffer output)
    {
        var length = ByteCount(values.Length, width);
        var target = output.GetSpan(length)[..length];
        target.Clear();
        ulong acc = 0;
        var bits = 0;
        var at = 0;
        foreach (var v in values)
        {
            acc |= v << bits;
            var total = bits + width;
            if (total >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(target[at..], acc);
                at += 8;
                // the bits of v that did not fit (none when it ended exactly at 64)
                acc = bits == 0 ? 0 : v >> (64 - bits);
                total -= 64;
            }
            bits = total;
        }
        for (var i = 0; at < length; i++, at++)
        {
            target[at] = (byte)(acc >> (8 * i));
        }
        output.Advance(length);
    }

    /// <summary>Reads value <paramref name="index"/> of <paramref name="width"/> bits from <paramref name="packed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ReadOnlySpan<byte> packed, long index, int width)
    {
        if (width == 0)
        {
            return 0;
        }
        var bit = index * width;
        var at = (int)(bit >> 3);
        var shift = (int)(bit & 7);
        var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        if (at + 8 <= packed.Length)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(packed[at..]) >> shift;
            if (shift + width > 64)
            {
                // at most 7 bits beyond the eight bytes just read
                word |= (ulong)packed[at + 8] << (64 - shift);
            }
            return word & mask;
        }
        // the last few bytes: gather what is left byte by byte
        ulong tail = 0;
        for (var i = 0; at + i < packed.Length && i < 8; i++)
        {
            tail |= (ulong)packed[at + i] << (8 * i);
        }
        var value = tail >> shift;
        if (shift + width > 64 && at + 8 < packed.Length)
        {
            value |= (ulong)packed[at + 8] << (64 - shift);
        }
        return value & mask;
    }
}
