using Vigie.Query.Engine;
using Vigie.Web.Services;

namespace Vigie.Web.Model;

/// <summary>
/// The state of the Discover page for one browser tab: what was searched, the rows, the histogram
/// and the field summaries. Rows come first (they are what the user waits for: a screenful, then
/// the rest up to the limit from the same scan), then the field
/// sidebar (a sample: the rows just fetched when they are events, so it costs no scan), then the
/// histogram, which also gives the hit count. A new search, <see cref="Cancel"/> (the page goes)
/// and <see cref="Dispose"/> (the circuit goes) cancel the work under way, so that a search nobody
/// waits for any more does not hold the cores the next one needs. Scoped: one per circuit.
/// </summary>
public sealed class DiscoverViewModel(IDiscoverSearch search) : IDisposable
{
    /// <summary>Top values kept per field in the sidebar.</summary>
    public const int TopValues = 5;

    private CancellationTokenSource? _running;

    public string Query { get; private set; } = "";

    public TimeRange Range { get; private set; } = TimeRange.Default;

    public SearchOutcome? Outcome { get; private set; }

    public HistogramData Histogram { get; private set; } = HistogramData.Empty;

    /// <summary>The field summary of the newest matching events (at most <see cref="FieldSample.DefaultSize"/>), not of all of them.</summary>
    public IReadOnlyList<FieldSummary> Fields { get; private set; } = [];

    /// <summary>How many events <see cref="Fields"/> is based on, or null until known.</summary>
    public long? SampledEvents { get; private set; }

    /// <summary>Events matching the filter over the range (the histogram's total), or null until known.</summary>
    public long? Hits { get; private set; }

    public bool Busy { get; private set; }

    /// <summary>A failure that is not the query's fault (e.g. the store is busy), shown in a banner.</summary>
    public string? Problem { get; private set; }

    /// <summary>
    /// Runs the search; calls <paramref name="changed"/> after the first screenful of rows (when the
    /// rest takes longer), after all rows, after the field sample and
    /// after the histogram. Returns when all are in, or quietly when a newer search replaced this
    /// one or it was cancelled.
    /// </summary>
    /// <param name="prefetched">The rows of this very search, already being read (<see cref="RowsPrefetch"/>), or null.</param>
    public async Task RunAsync(string? query, TimeRange range, Func<Task> changed, RowsFetch? prefetched = null)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(changed);
        var cts = new CancellationTokenSource();
        if (Interlocked.Exchange(ref _running, cts) is { } previous)
        {
            await previous.CancelAsync().ConfigureAwait(false);
        }
        var token = cts.Token;
        Query = query ?? "";
        Range = range;
        Busy = true;
        Problem = null;
        try
        {
            // A screenful first, shown while the same scan goes on to the limit.
            var fetch = prefetched ?? RowsFetch.Start(search, Query, range, token);
            if (await Task.WhenAny(fetch.FirstPage, fetch.All).ConfigureAwait(false) == fetch.FirstPage && !fetch.All.IsCompleted)
            {
                token.ThrowIfCancellationRequested();
                ShowRows(await fetch.FirstPage.ConfigureAwait(false));
                await changed().ConfigureAwait(false);
            }
            SearchOutcome outcome;
            try
            {
                outcome = await fetch.All.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (prefetched is not null && !token.IsCancellationRequested)
            {
                // The read-ahead ran out of time: read again, for this page.
                outcome = await RowsFetch.Start(search, Query, range, token).All.ConfigureAwait(false);
            }
            token.ThrowIfCancellationRequested();
            ShowRows(outcome);
            if (outcome.Error is not null)
            {
                return;
            }
            await changed().ConfigureAwait(false);
            if (outcome.IsEvents)
            {
                // The rows are the newest matches: summarise them, no scan needed.
                (SampledEvents, Fields) = FieldSample.Summarize(outcome.Rows.Select(r => r.Fields), TopValues);
                await changed().ConfigureAwait(false);
            }
            var histogram = await Task.Run(() => search.Histogram(Query, range, token), token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            Histogram = histogram;
            Hits = histogram.Total;
            if (!outcome.IsEvents)
            {
                // Result rows (stats, top...): the sidebar describes the events the filter matches.
                var (events, fields) = await Task.Run(() => search.SampleFields(Query, range, FieldSample.DefaultSize, TopValues, token), token).ConfigureAwait(false);
                token.ThrowIfCancellationRequested();
                (SampledEvents, Fields) = (events, fields);
            }
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

    private void ShowRows(SearchOutcome outcome)
    {
        Outcome = outcome;
        // What is shown from the previous search would now describe the wrong rows.
        Histogram = HistogramData.Empty;
        Fields = [];
        SampledEvents = null;
        Hits = null;
    }

    /// <summary>Stops the search under way (the page is left): its histogram and fields are not wanted any more.</summary>
    public void Cancel()
    {
        if (Interlocked.Exchange(ref _running, null) is { } running)
        {
            running.Cancel();
            Busy = false;
        }
    }

    public void Dispose() => Cancel();
}
