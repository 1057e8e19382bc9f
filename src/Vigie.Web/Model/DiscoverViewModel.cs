using Vigie.Query.Engine;
using Vigie.Web.Services;

namespace Vigie.Web.Model;

/// <summary>
/// The state of the Discover page for one browser tab: what was searched, the rows, the histogram
/// and the field summaries. Rows come first (they are what the user waits for); the histogram and
/// the fields follow. A new search cancels the one running. Scoped: one per circuit.
/// </summary>
public sealed class DiscoverViewModel(LogSearch search) : IDisposable
{
    private CancellationTokenSource? _running;

    public string Query { get; private set; } = "";

    public TimeRange Range { get; private set; } = TimeRange.Default;

    public SearchOutcome? Outcome { get; private set; }

    public HistogramData Histogram { get; private set; } = HistogramData.Empty;

    public IReadOnlyList<FieldSummary> Fields { get; private set; } = [];

    /// <summary>Events matching the filter over the range (from the field summary), or null until known.</summary>
    public long? Hits { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>A failure that is not the query's fault (e.g. the store is busy), shown in a banner.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Runs the search; calls <paramref name="changed"/> after the rows and again after the histogram
    /// and fields. Returns when all are in, or quietly when a newer search replaced this one.
    /// </summary>
    public async Task RunAsync(string? query, TimeRange range, Func<Task> changed)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(changed);
        if (_running is { } previous)
        {
            await previous.CancelAsync().ConfigureAwait(false);
        }
        var cts = new CancellationTokenSource();
        _running = cts;
        var token = cts.Token;
        Query = query ?? "";
        Range = range;
        Busy = true;
        Problem = null;
        try
        {
            var outcome = await Task.Run(() => search.Search(Query, range, LogSearch.DefaultLimit, token), token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            Outcome = outcome;
            if (outcome.Error is not null)
            {
                Histogram = HistogramData.Empty;
                Fields = [];
                Hits = null;
                return;
            }
            await changed().ConfigureAwait(false);
            var histogram = Task.Run(() => search.Histogram(Query, range, token), token);
            var fields = Task.Run(() => search.Fields(Query, range, 5, token), token);
            Histogram = await histogram.ConfigureAwait(false);
            var (events, summaries) = await fields.ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            Hits = events;
            Fields = [.. summaries.OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal)];
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Problem = "The search failed: " + e.Message;
        }
        finally
        {
            if (_running == cts)
            {
                Busy = false;
            }
        }
        await changed().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _running?.Cancel();
        _running?.Dispose();
    }
}
