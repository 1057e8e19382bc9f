using Microsoft.AspNetCore.Components;
using Vigie.Core;
using Vigie.Web.Model;

namespace Vigie.Web.Components.Controls;

public partial class TimeRangePicker
{
    public const string RefreshOff = "off";

    [Parameter, EditorRequired]
    public TimeRange Range { get; set; } = TimeRange.Default;

    [Parameter]
    public EventCallback<TimeRange> RangeChanged { get; set; }

    [Parameter]
    public string Refresh { get; set; } = RefreshOff;

    [Parameter]
    public EventCallback<string> RefreshChanged { get; set; }

    [Parameter]
    public bool ShowRefresh { get; set; } = true;

    /// <summary>The refresh interval a URL value names, or null for off (or unreadable).</summary>
    public static TimeSpan? Interval(string? refresh) =>
        refresh is { Length: > 0 } r && r != RefreshOff && Durations.TryParse(r, out var ns) && ns >= Timestamps.NanosPerSecond
            ? TimeSpan.FromTicks(ns / 100)
            : null;

    private Task PickAsync(TimeRange range) => RangeChanged.InvokeAsync(range);

    private Task SetAsync(string? from, string? to) => RangeChanged.InvokeAsync(TimeRange.FromUrl(from, to));
}
