using System.Globalization;
using Microsoft.AspNetCore.Components;
using Vigie.Core;
using Vigie.Query.Rows;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Components.Controls;

public partial class DashboardPanel : IDisposable
{
    /// <summary>A panel draws at most this many rows (a table, the bars, the points of a chart).</summary>
    private const int MaxRows = 2000;

    private CancellationTokenSource? _running;
    private (Panel, TimeRange, int)? _loadedFor;
    private IReadOnlyList<IRow>? _rows;
    private string? _error;
    private HistogramData _series = HistogramData.Empty;
    private List<(string Label, double Value)> _bars = [];
    private List<string> _columns = [];

    [Parameter, EditorRequired]
    public Panel Panel { get; set; } = default!;

    [Parameter, EditorRequired]
    public TimeRange Range { get; set; } = TimeRange.Default;

    /// <summary>Bumped by the dashboard to ask for a refresh.</summary>
    [Parameter]
    public int Generation { get; set; }

    [Parameter]
    public EventCallback OnRemove { get; set; }

    [Inject]
    private LogSearch Search { get; set; } = default!;

    private string DiscoverLink => "/?q=" + Uri.EscapeDataString(Panel.Query) + "&from=" + Uri.EscapeDataString(Range.From) + "&to=" + Uri.EscapeDataString(Range.To);

    private string NumberText
    {
        get
        {
            var last = _rows?.FirstOrDefault()?.Columns.LastOrDefault();
            return last is { } l && l.Value.TryGetNumber(out var n) ? n.ToString("N0", CultureInfo.InvariantCulture) : last?.Value.Text ?? "–";
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            // Queried once the page is live, not twice (prerendering, then the live page).
            return;
        }
        var key = (Panel, Range, Generation);
        if (_loadedFor == key)
        {
            return;
        }
        _loadedFor = key;
        if (_running is { } previous)
        {
            await previous.CancelAsync();
        }
        var cts = new CancellationTokenSource();
        _running = cts;
        var panel = Panel;
        var range = Range;
        try
        {
            var (rows, error) = await Task.Run(() => Search.Rows(panel.Query, range, MaxRows, cts.Token), cts.Token);
            _error = error;
            _rows = rows;
            Shape(panel, range, rows);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            _error = "The query failed: " + e.Message;
        }
    }

    private void Shape(Panel panel, TimeRange range, IReadOnlyList<IRow> rows)
    {
        _columns = [.. rows.SelectMany(r => r.Columns.Select(c => c.Key)).Distinct(StringComparer.Ordinal)];
        switch (panel.Kind)
        {
            case PanelKind.TimeSeries:
                var (start, end) = range.Resolve(Timestamps.Now());
                var times = rows.Select(r => r.TimeNs).OfType<long>().Distinct().Order().ToList();
                var step = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(BucketSize.Choose(end - start)).Min();
                Func<string, string>? map = panel.Series switch
                {
                    SeriesGrouping.HttpStatusClass => s => s.Length == 3 && char.IsAsciiDigit(s[0]) ? s[0] + "xx" : s,
                    SeriesGrouping.Level => Levels.Classify,
                    _ => null,
                };
                _series = ChartBuilder.TimeSeries(rows, start, end, step, map);
                break;
            case PanelKind.Bars:
                _bars = [.. rows.Select(r =>
                {
                    var cols = r.Columns.ToList();
                    var value = cols.Count > 0 && cols[^1].Value.TryGetNumber(out var v) ? v : 0;
                    return (string.Join(" / ", cols.Take(cols.Count - 1).Select(c => c.Value.Text)), value);
                }).Take(50)];
                break;
        }
    }

    public void Dispose()
    {
        _running?.Cancel();
        _running?.Dispose();
        GC.SuppressFinalize(this);
    }
}
