using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigie.Core;

public static partial class Timestamps
{
    // Per byte of "YYYY-MM-" and "DDTHH:MM": 0xF0 under a digit (its high nibble must be 3), 0xFF under
    // a separator (which must be itself); 0x06 added under digits carries into the high nibble from ':' on.
    private const ulong DateMask = 0xFF_F0_F0_FF_F0_F0_F0_F0;
    private const ulong DateExpected = 0x2D_30_30_2D_30_30_30_30; // "0000-00-" little-endian
    private const ulong DateSix = 0x00_06_06_00_06_06_06_06;
    private const ulong DateDigits = 0x00_F0_F0_00_F0_F0_F0_F0;
    private const ulong DateDigitsExpected = 0x00_30_30_00_30_30_30_30;
    private const ulong ClockMask = 0xF0_F0_FF_F0_F0_FF_F0_F0;
    private const ulong ClockExpected = 0x30_30_3A_30_30_54_30_30; // "00T00:00" little-endian
    private const ulong ClockSix = 0x06_06_00_06_06_00_06_06;
    private const ulong ClockDigits = 0xF0_F0_00_F0_F0_00_F0_F0;
    private const ulong ClockDigitsExpected = 0x30_30_00_30_30_00_30_30;

    private static ReadOnlySpan<byte> DaysInMonths => [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

    private static ReadOnlySpan<int> FractionScales => [1, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    /// <summary>
    /// The shape nearly every shipper sends, <c>YYYY-MM-DDTHH:MM:SS[.f…]Z</c> (up to nine fractional
    /// digits), read without the general parser: the date and clock checked eight bytes at a time,
    /// the digits taken at fixed places. False for any other text, which the general parser then reads;
    /// when true, the result is the general parser's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryParseRfc3339Utc(ReadOnlySpan<byte> s, out long ns)
    {
        ns = 0;
        var length = s.Length;
        if ((uint)(length - 20) > 10)
        {
            return false;
        }
        ref var p = ref MemoryMarshal.GetReference(s);
        if (Unsafe.Add(ref p, length - 1) != 'Z')
        {
            return false;
        }
        var date = Unsafe.ReadUnaligned<ulong>(ref p);
        var clock = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, 8));
        if ((date & DateMask) != DateExpected || ((date + DateSix) & DateDigits) != DateDigitsExpected
            || (clock & ClockMask) != ClockExpected || ((clock + ClockSix) & ClockDigits) != ClockDigitsExpected)
        {
            return false;
        }
        var s0 = Unsafe.Add(ref p, 17) - (uint)'0';
        var s1 = Unsafe.Add(ref p, 18) - (uint)'0';
        if (Unsafe.Add(ref p, 16) != (byte)':' || s0 > 9 || s1 > 9)
        {
            return false;
        }
        var year = (int)((date & 0xF) * 1000 + ((date >> 8) & 0xF) * 100 + ((date >> 16) & 0xF) * 10 + ((date >> 24) & 0xF));
        var month = (int)(((date >> 40) & 0xF) * 10 + ((date >> 48) & 0xF));
        var day = (int)((clock & 0xF) * 10 + ((clock >> 8) & 0xF));
        var hour = (int)(((clock >> 24) & 0xF) * 10 + ((clock >> 32) & 0xF));
        var minute = (int)(((clock >> 48) & 0xF) * 10 + ((clock >> 56) & 0xF));
        var second = (int)(s0 * 10 + s1);
        if (year < 1 || (uint)(month - 1) > 11 || day < 1 || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        var monthDays = DaysInMonths[month];
        if (month == 2 && (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0))
        {
            monthDays = 29;
        }
        if (day > monthDays)
        {
            return false;
        }
        long fraction = 0;
        if (length > 20)
        {
            // ".", then one to nine digits before the 'Z'.
            if (Unsafe.Add(ref p, 19) != (byte)'.' || length == 21)
            {
                return false;
            }
            for (var i = 20; i < length - 1; i++)
            {
                var digit = Unsafe.Add(ref p, i) - (uint)'0';
                if (digit > 9)
                {
                    return false;
                }
                fraction = fraction * 10 + digit;
            }
            fraction *= FractionScales[length - 21];
        }
        var seconds = DaysSinceEpoch(year, month, day) * 86_400L + hour * 3_600 + minute * 60 + Math.Min(second, 59);
        ns = seconds * NanosPerSecond + fraction;
        return true;
    }
}
