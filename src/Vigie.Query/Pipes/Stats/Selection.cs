using System.Buffers;

namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// The k-th smallest value without sorting everything (Hoare's selection, median-of-three pivots):
/// linear on average, where a percentile over millions of values would otherwise pay a full sort.
/// </summary>
internal static class Selection
{
    /// <summary>Values drawn to bracket the rank (sorted: a few hundred microseconds).</summary>
    private const int SampleSize = 4096;

    /// <summary>
    /// Sample ranks kept on each side of the target's: the target's rank in a sample of s values
    /// strays from its expected place by at most √s/2 (one standard deviation, at the median), so
    /// 2√s leaves four standard deviations.
    /// </summary>
    private const int Margin = 128;

    /// <summary>
    /// The value of rank <paramref name="k"/> (0-based) among <paramref name="count"/> values spread
    /// over <paramref name="chunks"/>, which are left as they are. Large inputs are narrowed first
    /// (Floyd and Rivest's idea): a sorted sample gives two values that bracket the rank; one pass
    /// counts the values below the bracket and copies those inside it, usually a few percent, and
    /// only these are then selected among. Should the bracket miss (a skewed sample), every value
    /// is copied and selected among: the answer is exact either way.
    /// </summary>
    public static double SelectAcross(IReadOnlyList<ReadOnlyMemory<double>> chunks, long count, long k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, count);
        if (count > SampleSize * 4 && Bracket(chunks, count, k) is { } found)
        {
            return found;
        }
        var all = ArrayPool<double>.Shared.Rent(checked((int)count));
        try
        {
            var n = 0;
            foreach (var chunk in chunks)
            {
                chunk.Span.CopyTo(all.AsSpan(n));
                n += chunk.Length;
            }
            return Select(all.AsSpan(0, n), (int)k);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(all);
        }
    }

    private static double? Bracket(IReadOnlyList<ReadOnlyMemory<double>> chunks, long count, long k)
    {
        // evenly spaced positions: deterministic, so a query answers the same way every time
        var sample = new double[SampleSize];
        var next = 0;
        long offset = 0;
        foreach (var chunk in chunks)
        {
            var span = chunk.Span;
            for (; next < SampleSize; next++)
            {
                var at = next * count / SampleSize - offset;
                if (at >= span.Length)
                {
                    break;
                }
                sample[next] = span[(int)at];
            }
            offset += span.Length;
        }
        Array.Sort(sample);
        var expected = (int)(k * SampleSize / count);
        var lo = expected - Margin < 0 ? double.NegativeInfinity : sample[expected - Margin];
        var hi = expected + Margin >= SampleSize ? double.PositiveInfinity : sample[expected + Margin];

        long below = 0;
        var inside = ArrayPool<double>.Shared.Rent((int)Math.Min(count, (count / SampleSize * (2 * Margin + 1) * 3 / 2) + 1024));
        var n = 0;
        try
        {
            foreach (var chunk in chunks)
            {
                foreach (var v in chunk.Span)
                {
                    if (v < lo)
                    {
                        below++;
                    }
                    else if (v <= hi)
                    {
                        if (n == inside.Length)
                        {
                            var larger = ArrayPool<double>.Shared.Rent((int)Math.Min(count, (long)inside.Length * 2));
                            inside.AsSpan(0, n).CopyTo(larger);
                            ArrayPool<double>.Shared.Return(inside);
                            inside = larger;
                        }
                        inside[n++] = v;
                    }
                }
            }
            return k >= below && k < below + n ? Select(inside.AsSpan(0, n), (int)(k - below)) : null;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(inside);
        }
    }

    /// <summary>Returns the value that would be at index <paramref name="k"/> if <paramref name="values"/> were sorted; reorders them.</summary>
    public static double Select(Span<double> values, int k)
    {
        var lo = 0;
        var hi = values.Length - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            // median of three as the pivot, so that sorted or reversed input stays linear
            if (values[mid] < values[lo])
            {
                (values[mid], values[lo]) = (values[lo], values[mid]);
            }
            if (values[hi] < values[lo])
            {
                (values[hi], values[lo]) = (values[lo], values[hi]);
            }
            if (values[hi] < values[mid])
            {
                (values[hi], values[mid]) = (values[mid], values[hi]);
            }
            var pivot = values[mid];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return values[k];
            }
        }
        return values[k];
    }
}
