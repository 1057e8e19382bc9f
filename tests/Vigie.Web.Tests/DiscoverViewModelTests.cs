using Vigie.Core;
using Vigie.Query.Engine;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

/// <summary>The order in which a search's pieces arrive, and that a search nobody waits for stops.</summary>
public sealed class DiscoverViewModelTests
{
    private static readonly TimeRange Range = new("-1h", "now");

    [Fact]
    public async Task Run_EventRows_RowsThenSampledFieldsThenHistogramWithTheHitCount()
    {
        var search = new ScriptedSearch();
        var vm = new DiscoverViewModel(search);
        var seen = new List<string>();

        await vm.RunAsync("error", Range, () =>
        {
            seen.Add($"rows={vm.Outcome?.Rows.Count} fields={vm.Fields.Count} sampled={vm.SampledEvents} hits={vm.Hits} calls={string.Join(',', search.Calls)}");
            return Task.CompletedTask;
        });

        Assert.Equal(
        [
            "rows=3 fields=0 sampled= hits= calls=search",
            // the sidebar (_stream, level, _msg) comes from the rows themselves: no second scan
            "rows=3 fields=3 sampled=3 hits= calls=search",
            "rows=3 fields=3 sampled=3 hits=42 calls=search,histogram",
        ], seen);
        Assert.False(vm.Busy);
        var level = Assert.Single(vm.Fields, f => f.Name == "level");
        Assert.Equal([("error", 2L), ("info", 1L)], level.TopValues);
    }

    [Fact]
    public async Task Run_ASlowSearch_ShowsTheFirstScreenfulWhileTheRestIsRead()
    {
        using var gate = new SemaphoreSlim(0);
        var search = new ScriptedSearch { RestGate = gate };
        var vm = new DiscoverViewModel(search);
        var seen = new List<string>();

        await vm.RunAsync("error", Range, () =>
        {
            seen.Add($"rows={vm.Outcome!.Rows.Count} partial={vm.Outcome.Partial} fields={vm.Fields.Count}");
            if (vm.Outcome.Partial)
            {
                gate.Release(); // the scan goes on only once the screenful is on its way to the browser
            }
            return Task.CompletedTask;
        });

        Assert.Equal(["rows=1 partial=True fields=0", "rows=3 partial=False fields=0", "rows=3 partial=False fields=3", "rows=3 partial=False fields=3"], seen);
    }

    [Fact]
    public async Task Run_WithTheRowsReadAhead_TakesThemInsteadOfSearchingAgain()
    {
        var search = new ScriptedSearch();
        var prefetch = new RowsPrefetch(search);
        prefetch.Start("error", Range);
        Assert.Null(prefetch.Take("other", Range));
        Assert.Null(prefetch.Take("error", new TimeRange("-15m", "now")));
        var fetch = prefetch.Take("error", Range);
        Assert.NotNull(fetch);
        Assert.Null(prefetch.Take("error", Range)); // taken once
        var vm = new DiscoverViewModel(search);

        await vm.RunAsync("error", Range, () => Task.CompletedTask, fetch);

        Assert.Equal(["search", "histogram"], search.Calls);
        Assert.Equal(3, vm.Outcome!.Rows.Count);
        Assert.Equal(3, vm.SampledEvents);
    }

    [Fact]
    public async Task Run_StatsRows_SamplesTheFilterAfterTheHistogram()
    {
        var search = new ScriptedSearch { Outcome = new SearchOutcome([], false, ["n"], null, null, TimeSpan.Zero) };
        var vm = new DiscoverViewModel(search);

        await vm.RunAsync("error | stats count() as n", Range, () => Task.CompletedTask);

        Assert.Equal(["search", "histogram", "sample"], search.Calls);
        Assert.Equal(7, vm.SampledEvents);
        Assert.Equal(42, vm.Hits);
    }

    [Fact]
    public async Task Run_ANewSearch_CancelsThePreviousOnesHistogram()
    {
        var search = new ScriptedSearch { HoldHistogram = true };
        var vm = new DiscoverViewModel(search);
        var first = vm.RunAsync("first", Range, () => Task.CompletedTask);
        var firstToken = await search.HistogramStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        search.HoldHistogram = false;
        await vm.RunAsync("second", Range, () => Task.CompletedTask);

        Assert.True(firstToken.IsCancellationRequested);
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("second", vm.Query);
        Assert.Equal(42, vm.Hits);
        Assert.False(vm.Busy);
    }

    [Fact]
    public async Task Cancel_WhenThePageGoes_StopsTheSearchUnderWay()
    {
        var search = new ScriptedSearch { HoldHistogram = true };
        var vm = new DiscoverViewModel(search);
        var changes = 0;
        var run = vm.RunAsync("error", Range, () => { changes++; return Task.CompletedTask; });
        var token = await search.HistogramStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        vm.Cancel();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(token.IsCancellationRequested);
        Assert.False(vm.Busy);
        Assert.Null(vm.Hits);
        Assert.Equal(2, changes); // rows and fields were shown; nothing after the cancellation
    }

    [Fact]
    public async Task Dispose_WhenTheCircuitGoes_StopsTheSearchUnderWay()
    {
        var search = new ScriptedSearch { HoldHistogram = true };
        var vm = new DiscoverViewModel(search);
        var run = vm.RunAsync("error", Range, () => Task.CompletedTask);
        var token = await search.HistogramStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        vm.Dispose();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public async Task Run_ABadQuery_ShowsTheErrorAndRunsNothingElse()
    {
        var search = new ScriptedSearch { Outcome = SearchOutcome.Failed("line 1, column 7: expected a value", 6) };
        var vm = new DiscoverViewModel(search);

        await vm.RunAsync("level:", Range, () => Task.CompletedTask);

        Assert.Equal(["search"], search.Calls);
        Assert.Equal(6, vm.Outcome!.ErrorPosition);
        Assert.Empty(vm.Fields);
        Assert.Null(vm.Hits);
    }

    /// <summary>A search whose answers are fixed; the histogram can be held until it is cancelled.</summary>
    private sealed class ScriptedSearch : IDiscoverSearch
    {
        private static readonly DisplayRow[] Rows =
        [
            Row(("level", "error"), ("_msg", "a")),
            Row(("level", "error"), ("_msg", "b")),
            Row(("level", "info"), ("_msg", "c")),
        ];

        public List<string> Calls { get; } = [];

        public SearchOutcome Outcome { get; init; } = new(Rows, true, [], null, null, TimeSpan.Zero);

        public volatile bool HoldHistogram;

        public TaskCompletionSource<CancellationToken> HistogramStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When set, the first row goes out as a screenful, and the rest waits for this gate.</summary>
        public SemaphoreSlim? RestGate { get; init; }

        public SearchOutcome Search(string? text, TimeRange range, int limit, CancellationToken cancellationToken, Action<SearchOutcome>? firstPage)
        {
            Record("search");
            if (RestGate is not null && firstPage is not null)
            {
                firstPage(new SearchOutcome([Outcome.Rows[0]], true, [], null, null, TimeSpan.Zero) { Partial = true });
                Assert.True(RestGate.Wait(TimeSpan.FromSeconds(30), cancellationToken), "the screenful was never shown");
            }
            return Outcome;
        }

        public HistogramData Histogram(string? text, TimeRange range, CancellationToken cancellationToken)
        {
            Record("histogram");
            if (HoldHistogram)
            {
                HistogramStarted.TrySetResult(cancellationToken);
                // as the engine does between blocks: go on until told to stop
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
                cancellationToken.ThrowIfCancellationRequested();
            }
            return new HistogramData(0, 10, 10, ["info"], [new HistogramBucket(0, [42])]);
        }

        public (long Events, IReadOnlyList<FieldSummary> Fields) SampleFields(string? text, TimeRange range, int sampleSize, int topValues, CancellationToken cancellationToken)
        {
            Record("sample");
            return (7, [new FieldSummary("level", 7, 1, false, [("info", 7L)])]);
        }

        private void Record(string call)
        {
            lock (Calls)
            {
                Calls.Add(call);
            }
        }

        private static DisplayRow Row(params (string Name, string Value)[] fields) =>
            DisplayRow.From(new Vigie.Query.Rows.EventRow(new LogEvent(Timestamps.Now(), StreamKey.Empty, [.. fields.Select(f => new KeyValuePair<string, FieldValue>(f.Name, FieldValue.Str(f.Value)))])));
    }
}
