using System.Collections.Concurrent;
using System.Diagnostics;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>
/// Opening a link to a search: the server first sends the page's HTML, then the browser loads the
/// scripts and opens the live connection, and only then would the search start. Started while the
/// HTML goes out instead, the rows are read during that wait; the live page takes them if it asks
/// for the same search soon enough. Bounded: a few searches at once, each capped at one page of
/// rows and a time limit, forgotten when unclaimed. Singleton.
/// </summary>
public sealed class RowsPrefetch(IDiscoverSearch search)
{
    /// <summary>Longer than a page takes to go live on a slow machine; shorter than anyone would call the rows fresh.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);

    private const int MaxPending = 16;

    private readonly ConcurrentDictionary<(string Query, TimeRange Range), (RowsFetch Fetch, long Started)> _pending = new();

    /// <summary>Starts reading the rows of a search a page is about to ask for.</summary>
    public void Start(string? query, TimeRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        Forget();
        var key = (query ?? "", range);
        if (_pending.Count >= MaxPending || _pending.ContainsKey(key))
        {
            return;
        }
        // Nobody may claim it: the scan stops at the time limit rather than run on for nobody.
        var timeout = new CancellationTokenSource(Freshness);
        var fetch = RowsFetch.Start(search, key.Item1, range, timeout.Token);
        _pending.TryAdd(key, (fetch, Stopwatch.GetTimestamp()));
        _ = fetch.All.ContinueWith(_ => timeout.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>The rows started for this search, if fresh; each can be taken once.</summary>
    public RowsFetch? Take(string query, TimeRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return _pending.TryRemove((query, range), out var entry) && Stopwatch.GetElapsedTime(entry.Started) < Freshness ? entry.Fetch : null;
    }

    private void Forget()
    {
        foreach (var (key, entry) in _pending)
        {
            if (Stopwatch.GetElapsedTime(entry.Started) >= Freshness)
            {
                _pending.TryRemove(key, out _);
            }
        }
    }
}
