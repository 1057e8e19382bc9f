using System.Globalization;
using Microsoft.AspNetCore.Components;
using Vigie.Core;
using Vigie.Web.Model;

namespace Vigie.Web.Components.Controls;

public partial class Histogram
{
    private const int SlotWidth = 10;

    /// <summary>A palette for series that are not levels (services, status classes...).</summary>
    private static readonly string[] Palette = ["#3949ab", "#00897b", "#f4511e", "#8e24aa", "#c0ca33", "#039be5", "#6d4c41", "#d81b60", "#43a047", "#757575"];

    private int? _dragFrom;
    private int? _dragTo;

    [Parameter, EditorRequired]
    public HistogramData Data { get; set; } = HistogramData.Empty;

    /// <summary>Called with the start (inclusive) and end (exclusive) of the range dragged over.</summary>
    [Parameter]
    public EventCallback<(long StartNs, long EndNs)> OnZoom { get; set; }

    [Parameter]
    public int Height { get; set; } = 110;

    /// <summary>Colours series as log levels rather than with the palette.</summary>
    [Parameter]
    public bool LevelColours { get; set; }

    [Parameter]
    public bool ShowLegend { get; set; } = true;

    [Parameter]
    public string EmptyText { get; set; } = "No events in this time range";

    private bool Zoomable => OnZoom.HasDelegate;

    /// <summary>One slot per bucket of the range (never more than a few hundred: the bucket is chosen for that).</summary>
    private int Slots => (int)Math.Clamp((Data.EndNs - Data.StartNs + Data.BucketNs - 1) / Data.BucketNs, 1, 400);

    private string AriaLabel => $"{Data.Total} events over time";

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private string ColourOf(string series)
    {
        if (LevelColours)
        {
            return Levels.Colour(series);
        }
        var i = 0;
        foreach (var s in Data.Series)
        {
            if (s == series)
            {
                break;
            }
            i++;
        }
        return Palette[i % Palette.Length];
    }

    private int SlotOf(long ns) => (int)Math.Clamp((ns - Data.StartNs) / Data.BucketNs, 0, Slots - 1);

    private IEnumerable<(double X, double Y, double Width, double H, string Colour, string Title)> Bars()
    {
        var max = Math.Max(1, Data.MaxBucket);
        foreach (var bucket in Data.Buckets)
        {
            // Buckets are aligned to the epoch, the range is not: place each bar by its start.
            var x = (double)(bucket.StartNs - Data.StartNs) / Data.BucketNs * SlotWidth;
            var width = SlotWidth * 0.85;
            x = Math.Clamp(x, 0, Slots * SlotWidth - width);
            var y = 100.0;
            var when = Timestamps.ToDateTime(bucket.StartNs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            for (var i = 0; i < Data.Series.Count; i++)
            {
                var count = bucket.Counts[i];
                if (count == 0)
                {
                    continue;
                }
                var h = 100.0 * count / max;
                y -= h;
                var name = Data.Series[i].Length == 0 ? "(none)" : Data.Series[i];
                yield return (x, y, width, h, ColourOf(Data.Series[i]), $"{when}: {count} {name} (total {bucket.Total})");
            }
        }
    }

    private IEnumerable<(double Percent, string Label)> Ticks()
    {
        const int count = 6;
        var span = Data.EndNs - Data.StartNs;
        var format = span > 2L * 86400 * Timestamps.NanosPerSecond ? "MM-dd HH:mm" : span > 120L * Timestamps.NanosPerSecond ? "HH:mm" : "HH:mm:ss";
        for (var i = 0; i < count; i++)
        {
            var ns = Data.StartNs + span * i / count;
            yield return (100.0 * i / count, Timestamps.ToDateTime(ns).ToString(format, CultureInfo.InvariantCulture));
        }
    }

    private void StartDrag(int slot)
    {
        _dragFrom = slot;
        _dragTo = slot;
    }

    private void MoveDrag(int slot)
    {
        if (_dragFrom is not null)
        {
            _dragTo = slot;
        }
    }

    private void CancelDrag()
    {
        _dragFrom = null;
        _dragTo = null;
    }

    private async Task EndDragAsync(int slot)
    {
        if (_dragFrom is not { } from)
        {
            return;
        }
        var lo = Math.Min(from, slot);
        var hi = Math.Max(from, slot);
        CancelDrag();
        var start = Data.StartNs + lo * Data.BucketNs;
        var end = Math.Min(Data.EndNs, Data.StartNs + (hi + 1) * Data.BucketNs);
        await OnZoom.InvokeAsync((start, end));
    }
}
