using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Query.Pipes.Stats;

namespace Vigie.Query.Tests.Engine;

/// <summary>
/// <c>count_distinct</c> keeps canonical addresses and integers as numbers and other texts as hashes:
/// whatever route a value takes (a string, UTF-8 bytes, a stored address or integer, one at a time or
/// a block at once), and however accumulators are merged, the count must be that of a set of the texts.
/// </summary>
public sealed class CountDistinctFormsTests
{
    // canonical addresses and integers, and near misses that must stay texts
    private static readonly string[] Pool =
    [
        "10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.7", "10.0.0.10", "1.2.3.4",
        "010.0.0.1", "10.0.0.01", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "::1", "1.2.3.-4",
        "0", "7", "-7", "42", "123456789012345678", "1234567890123456789", "9223372036854775807", "-9223372036854775808",
        "-0", "007", "+7", "9223372036854775808", "-9223372036854775809", "12345678901234567890", "7.0", "1e3", "-", "",
        "a", "Straße", "😀", "7 ", "0x10",
    ];

    private static bool IsIpv4(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }
        foreach (var p in parts)
        {
            if (!byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b.ToString(CultureInfo.InvariantCulture) != p)
            {
                return false;
            }
            address = (address << 8) | b;
        }
        return true;
    }

    private static bool IsInt64(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value.ToString(CultureInfo.InvariantCulture) == text;

    [Fact]
    public void CanonicalForms_PoolAndRandomTexts_AgreeWithParseAndFormat()
    {
        var texts = Pool.Concat(Enumerable.Range(0, 2000).Select(i => RandomText(new Random(i))));
        foreach (var text in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Assert.Equal(IsIpv4(text, out var expectedAddress), CanonicalForms.TryParseIpv4(bytes, out var address));
            if (IsIpv4(text, out _))
            {
                Assert.Equal(expectedAddress, address);
            }
            Assert.Equal(IsInt64(text, out var expectedInteger), CanonicalForms.TryParseInt64(bytes, out var integer));
            if (IsInt64(text, out _))
            {
                Assert.Equal(expectedInteger, integer);
            }
        }
    }

    private static string RandomText(Random r)
    {
        const string Alphabet = "0123456789.-+ a";
        var length = r.Next(0, 22);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[r.Next(r.Next(2) == 0 ? 11 : Alphabet.Length)];
        }
        return new string(chars);
    }

    [Fact]
    public void AnyRouteAndMerge_PoolValues_CountOfDistinctTexts()
    {
        var cases = (from n in Gen.Choose(0, 60)
                     from picks in Gen.Choose(0, Pool.Length - 1).ArrayOf(n)
                     from routes in Gen.Choose(0, 3).ArrayOf(n)
                     from owners in Gen.Choose(0, 2).ArrayOf(n)
                     select (picks, routes, owners)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var expected = new HashSet<string>(StringComparer.Ordinal);
            var stats = new[] { new CountDistinctStat(), new CountDistinctStat(), new CountDistinctStat() };
            for (var i = 0; i < c.picks.Length; i++)
            {
                var text = Pool[c.picks[i]];
                expected.Add(text);
                var into = stats[c.owners[i]];
                switch (c.routes[i])
                {
                    case 0:
                        into.Add(text);
                        break;
                    case 1:
                        into.AddUtf8(Encoding.UTF8.GetBytes(text));
                        break;
                    default:
                        // as a stored column would: one row, or a block of three rows of which one absent and one not selected
                        var block = c.routes[i] == 3;
                        if (IsIpv4(text, out var address))
                        {
                            if (block)
                            {
                                into.AddIpv4s([address, 99, 98], [ValueKind.String, ValueKind.Absent, ValueKind.String], [true, true, false]);
                            }
                            else
                            {
                                into.AddIpv4(address);
                            }
                        }
                        else if (IsInt64(text, out var integer))
                        {
                            if (block)
                            {
                                into.AddInt64s([99, integer, 98], [ValueKind.Absent, ValueKind.Number, ValueKind.Number], [true, true, false]);
                            }
                            else
                            {
                                into.AddInt64(integer);
                            }
                        }
                        else
                        {
                            into.AddUtf8(Encoding.UTF8.GetBytes(text));
                        }
                        break;
                }
                into.Add(null);
            }
            stats[1].Merge(stats[2]);
            stats[0].Merge(stats[1]);
            return stats[0].Finish().Text == expected.Count.ToString(CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void IntegerSet_RandomValuesWithZeroAndGrowth_SameAsHashSet()
    {
        var cases = (from n in Gen.Choose(0, 3000)
                     from range in Gen.Elements(1, 50, 1_000_000, int.MaxValue)
                     from seed in Gen.Choose(0, int.MaxValue)
                     from split in Gen.Choose(0, n)
                     select (n, range, seed, split)).ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var r = new Random(c.seed);
            var expected = new HashSet<long>();
            var left = new IntegerSet<long>();
            var right = new IntegerSet<long>();
            var addresses = new IntegerSet<uint>();
            var expectedAddresses = new HashSet<uint>();
            for (var i = 0; i < c.n; i++)
            {
                // negative, zero and values that differ only in their high bits
                long v = r.Next(-c.range, c.range);
                v = r.Next(4) == 0 ? v << 40 : v;
                expected.Add(v);
                (i < c.split ? left : right).Add(v);
                expectedAddresses.Add((uint)v);
                addresses.Add((uint)v);
            }
            left.UnionWith(right);
            return left.Count == expected.Count && addresses.Count == expectedAddresses.Count;
        }).QuickCheckThrowOnFailure();
    }
}
