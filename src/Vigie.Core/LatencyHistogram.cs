namespace Vigie.Core;

/// <summary>
/// A Prometheus-style cumulative histogram of durations in seconds, with fixed buckets. Thread-safe
/// and lock-free: observers on hot paths only do two interlocked adds.
/// </summary>
public sealed class LatencyHistogram
{
    public static readonly double[] DefaultBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts;
    private long _count;
    private long _sumMicros;

    public LatencyHistogram(double[]? buckets = null)
    {
        Buckets = buckets ?? DefaultBuckets;
        _counts = new long[Buckets.Length];
    }

    public double[] Buckets { get; }

    public long Count => Interlocked.Read(ref _count);

    public double SumSeconds => Interlocked.Read(ref _sumMicros) / 1e6;

    public void Observe(TimeSpan elapsed) => Observe(elapsed.TotalSeconds);

    public void Observe(double seconds)
    {
        var i = Array.BinarySearch(Buckets, seconds);
        if (i < 0)
        {
            i = ~i;
        }
        if (i < _counts.Length)
        {
            Interlocked.Increment(ref _counts[i]);
        }
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
    }

    /// <summary>Cumulative counts per bucket upper bound, as Prometheus wants them.</summary>
    public IEnumerable<(double UpperBound, long Count)> Cumulative()
    {
        long running = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            yield return (Buckets[i], running);
        }
    }
}
