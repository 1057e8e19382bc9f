namespace Vigie.Query.Pipes.Stats;

/// <summary>
/// The k-th smallest value without sorting everything (Hoare's selection, median-of-three pivots):
/// linear on average, where a percentile over millions of values would otherwise pay a full sort.
/// </summary>
internal static class Selection
{
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
