using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;

namespace Vigie.Core.Tests;

/// <summary>
/// RFC 3339 times are turned into nanoseconds by calendar arithmetic, not through <see cref="DateTime"/>:
/// for any valid date and time of years 1 to 9999, with any offset and fraction, the result must be
/// what <see cref="DateTime"/> and <see cref="TimeSpan"/> give.
/// </summary>
public sealed class TimestampsCalendarProperties
{
    [Fact]
    public void TryParseRfc3339_AnyValidTime_EqualsDateTimeArithmetic()
    {
        var times =
            from year in Gen.Frequency((1, Gen.Choose(1, 9999)), (3, Gen.Choose(1890, 2110)), (1, Gen.Elements(1, 2, 399, 400, 401, 1600, 1900, 2000, 2100, 9999)))
            from month in Gen.Choose(1, 12)
            from day in Gen.Choose(1, DateTime.DaysInMonth(year, month))
            from hour in Gen.Choose(0, 23)
            from minute in Gen.Choose(0, 59)
            from second in Gen.Choose(0, 60)
            from digits in Gen.Choose(0, 9)
            from fraction in Gen.Choose(0, 999_999_999)
            from offset in Gen.Frequency((2, Gen.Constant(int.MinValue)), (1, Gen.Choose(-23 * 60 - 59, 23 * 60 + 59)))
            select (year, month, day, hour, minute, second, digits, fraction, offset);

        Prop.ForAll(times.ToArbitrary(), t =>
        {
            var fractionText = t.digits == 0 ? "" : "." + t.fraction.ToString("D9", CultureInfo.InvariantCulture)[..t.digits];
            var offsetText = t.offset == int.MinValue
                ? "Z"
                : $"{(t.offset < 0 ? '-' : '+')}{Math.Abs(t.offset) / 60:D2}:{Math.Abs(t.offset) % 60:D2}";
            var text = $"{t.year:D4}-{t.month:D2}-{t.day:D2}T{t.hour:D2}:{t.minute:D2}:{t.second:D2}{fractionText}{offsetText}";

            var date = new DateTime(t.year, t.month, t.day, t.hour, t.minute, Math.Min(t.second, 59), DateTimeKind.Utc);
            var offsetSeconds = t.offset == int.MinValue ? 0 : t.offset * 60L;
            var fractionNs = t.digits == 0 ? 0 : long.Parse(fractionText[1..].PadRight(9, '0'), CultureInfo.InvariantCulture);
            var expected = ((date.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond - offsetSeconds) * Timestamps.NanosPerSecond + fractionNs;

            Assert.True(Timestamps.TryParseRfc3339(text.AsSpan(), out var ns), text);
            Assert.Equal(expected, ns);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000));
    }
}
