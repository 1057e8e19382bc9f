using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Vigie.Core;
using Vigie.Web.Components.Controls;
using Vigie.Web.Components.Pages;
using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

public sealed class ComponentTests : BunitContext, IAsyncLifetime
{
    private const long Minute = 60 * Timestamps.NanosPerSecond;

    public ComponentTests()
    {
        // Panels and pages run real queries against a real store: on a busy machine one can take longer than bUnit's default second.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>As on a live page: pages leave their queries out of prerendering. Call once services are in.</summary>
    private void Live() => SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    private static HistogramData TenMinutes() => new(0, 10 * Minute, Minute, ["error", "info"],
    [
        new HistogramBucket(0, [1, 3]),
        new HistogramBucket(4 * Minute, [0, 2]),
        new HistogramBucket(9 * Minute, [2, 0]),
    ]);

    [Fact]
    public void Histogram_DrawsOneRectPerNonZeroCount_StackedToTheTallestBar()
    {
        var cut = Render<Histogram>(p => p.Add(h => h.Data, TenMinutes()).Add(h => h.LevelColours, true));
        var bars = cut.FindAll("rect.bar");
        Assert.Equal(4, bars.Count);
        // The first bucket holds the most events (1 error + 3 info): its two parts fill the full height.
        Assert.Equal(["25", "75"], bars.Take(2).Select(b => b.GetAttribute("height")));
        Assert.Equal(Levels.Colour("error"), bars[0].GetAttribute("fill"));
        Assert.Contains("error", cut.Find(".legend").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_DragAcrossSlots_ZoomsToThoseBuckets()
    {
        (long Start, long End)? zoomed = null;
        var cut = Render<Histogram>(p => p.Add(h => h.Data, TenMinutes()).Add(h => h.OnZoom, ((long StartNs, long EndNs) r) => zoomed = r));
        var slots = cut.FindAll("rect.slot");
        Assert.Equal(10, slots.Count);
        slots[6].MouseDown();
        cut.FindAll("rect.slot")[3].MouseOver();
        Assert.Single(cut.FindAll("rect.selection"));
        cut.FindAll("rect.slot")[3].MouseUp();
        Assert.Equal((3 * Minute, 7 * Minute), zoomed);
        Assert.Empty(cut.FindAll("rect.selection"));
    }

    [Fact]
    public void Histogram_WithoutData_SaysSo()
    {
        var cut = Render<Histogram>(p => p.Add(h => h.Data, HistogramData.Empty));
        Assert.Equal("No events in this time range", cut.Find(".empty").TextContent);
    }

    [Fact]
    public void QueryBar_MarksTheErrorPlace()
    {
        var cut = Render<QueryBar>(p => p.Add(q => q.Value, "status:").Add(q => q.Error, "line 1, column 8: expected a value after ':'").Add(q => q.ErrorPosition, 7));
        Assert.Equal("status:", cut.Find(".error code").TextContent.TrimEnd());
        Assert.Equal(" ", cut.Find(".error mark").TextContent);
        Assert.Contains("expected a value", cut.Find(".error span").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryBar_Enter_Submits()
    {
        var submitted = 0;
        var cut = Render<QueryBar>(p => p.Add(q => q.Value, "error").Add(q => q.OnSubmit, () => submitted++));
        cut.Find("input").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        Assert.Equal(1, submitted);
    }

    [Fact]
    public async Task Discover_ShowsRowsHitsAndFieldsFromTheStore()
    {
        using var store = new TestStore();
        var now = Timestamps.Now();
        await store.AppendAsync(
            (now - Minute, [("service", "api"), ("level", "error"), ("_msg", "disk full")]),
            (now - 2 * Minute, [("service", "web"), ("level", "info"), ("_msg", "ok")]));
        Services.AddSingleton<IDiscoverSearch>(new LogSearch(store.Engine));
        Services.AddSingleton<RowsPrefetch>();
        Services.AddScoped<DiscoverViewModel>();
        Live();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameters(new Dictionary<string, object?> { ["q"] = "service:api", ["from"] = "-1h" }));
        var cut = Render<Discover>();
        cut.WaitForAssertion(() => Assert.Equal("1 events", cut.Find("[data-testid=hits]").TextContent));
        var row = Assert.Single(cut.FindAll("[data-testid=row]"));
        Assert.Contains("disk full", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("error", row.QuerySelector(".badge")!.TextContent);
        cut.WaitForAssertion(() => Assert.Contains("service", cut.Find("[data-testid=fields]").TextContent, StringComparison.Ordinal));
        Assert.Equal("based on 1 sampled event", cut.Find("[data-testid=fields-sample]").TextContent);
        // Find and click in one go: the histogram and fields arrive after the rows and re-render the page.
        await cut.InvokeAsync(() => cut.Find("[data-testid=row]").Click());
        cut.WaitForAssertion(() => Assert.Contains("Copy as JSON", cut.Find("[data-testid=row-details]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DashboardPanel_Number_ShowsTheCount()
    {
        using var store = new TestStore();
        var now = Timestamps.Now();
        await store.AppendAsync((now - Minute, [("status", 503)]), (now - Minute, [("status", 200)]));
        Services.AddSingleton(new LogSearch(store.Engine));
        Live();
        var cut = Render<DashboardPanel>(p => p
            .Add(d => d.Panel, new Panel("5xx", "status:[500 TO 599] | stats count()", PanelKind.Number))
            .Add(d => d.Range, new TimeRange("-1h", "now")));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=number]").TextContent));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only async-disposable: dispose the context the async way.</summary>
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
