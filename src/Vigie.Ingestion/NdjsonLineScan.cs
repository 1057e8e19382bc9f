using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigie.Ingestion;

/// <summary>
/// Finds the end of an NDJSON line and, in the same pass, whether the bytes before it are all ASCII:
/// such a line is valid UTF-8 without a second pass over it (most log lines are ASCII).
/// </summary>
internal static class NdjsonLineScan
{
    /// <summary>
    /// The index of the first LF in <paramref name="text"/>, or -1 when there is none; <paramref name="ascii"/>
    /// is cleared when a byte from 0x80 lies before that LF (or anywhere, when there is none), and left as
    /// it was otherwise, so that a line read in several pieces carries its flag from piece to piece.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfNewline(ReadOnlySpan<byte> text, ref bool ascii)
    {
        var p = 0;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<byte>.Count)
        {
            ref var first = ref MemoryMarshal.GetReference(text);
            var newline = Vector256.Create((byte)'\n');
            var high = Vector256<byte>.Zero;
            var last = text.Length - Vector256<byte>.Count;
            while (true)
            {
                var block = Vector256.LoadUnsafe(ref first, (nuint)p);
                var found = Vector256.Equals(block, newline);
                if (found != Vector256<byte>.Zero)
                {
                    var at = BitOperations.TrailingZeroCount(found.ExtractMostSignificantBits());
                    // The high bits of the bytes before the LF in this block, and of the blocks before.
                    var before = block.ExtractMostSignificantBits() & ((1u << at) - 1);
                    if (before != 0 || high.ExtractMostSignificantBits() != 0)
                    {
                        ascii = false;
                    }
                    return p + at;
                }
                high |= block;
                if (p == last)
                {
                    break;
                }
                // The last block may overlap the one before: its first bytes hold no LF, and their
                // high bits are already in the accumulator.
                p = Math.Min(p + Vector256<byte>.Count, last);
            }
            if (high.ExtractMostSignificantBits() != 0)
            {
                ascii = false;
            }
            return -1;
        }
        for (; p < text.Length; p++)
        {
            var b = text[p];
            if (b == (byte)'\n')
            {
                return p;
            }
            if (b >= 0x80)
            {
                ascii = false;
            }
        }
        return -1;
    }
}
