namespace Vigie.Web.Model;

/// <summary>Event counts per time bucket, split by series (levels, services...), ready to draw.</summary>
/// <param name="StartNs">The left edge of the chart.</param>
/// <param name="EndNs">The right edge of the chart.</param>
/// <param name="BucketNs">The width of one bucket.</param>
/// <param name="Series">The series in stacking order (bottom first).</param>
/// <param name="Buckets">Non-empty buckets in time order.</param>
public sealed record HistogramData(long StartNs, long EndNs, long BucketNs, IReadOnlyList<string> Series, IReadOnlyList<HistogramBucket> Buckets)
{
    public static readonly HistogramData Empty = new(0, 1, 1, [], []);

    public long Total => Buckets.Sum(b => b.Total);

    public long MaxBucket => Buckets.Count == 0 ? 0 : Buckets.Max(b => b.Total);
}

/// <summary>One bar: its start and its count per series (same order as <see cref="HistogramData.Series"/>).</summary>
public sealed record HistogramBucket(long StartNs, IReadOnlyList<long> Counts)
{
    public long Total => Counts.Sum();
}
