using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

[Collection(UiCollection.Name)]
public sealed partial class DiscoverTests(UiFixture ui)
{
    private static int Expected(Func<int, bool> match) => Enumerable.Range(0, UiFixture.EventCount).Count(match);

    [Fact]
    public async Task Search_ShowsMatchingRowsAndHistogram()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/?q=service:api&from=-1h");
        var expected = Expected(i => UiFixture.ServiceOf(i) == "api");
        await Assertions.Expect(page.GetByTestId("hits")).ToHaveTextAsync($"{expected} events");
        var rows = page.GetByTestId("row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        // Every visible row is an api event, newest first.
        var texts = await rows.AllInnerTextsAsync();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.Contains("service=\"api\"", t, StringComparison.Ordinal));
        var bars = page.Locator("[data-testid=histogram] rect.bar");
        await Assertions.Expect(bars.First).ToBeAttachedAsync();
        Assert.True(await bars.CountAsync() >= 2, "the histogram draws bars");
        // The sidebar says what it counts: the newest matching events (here all of them, fewer than a sample).
        await Assertions.Expect(page.GetByTestId("fields-sample")).ToHaveTextAsync($"based on {expected} sampled events");
        await Assertions.Expect(page.Locator("[data-field=service] .count")).ToHaveTextAsync("100%");
        await ui.ScreenshotAsync(page, "discover");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task FieldValue_Click_FiltersTheQuery()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/?from=-1h");
        await Assertions.Expect(page.GetByTestId("hits")).ToHaveTextAsync($"{UiFixture.EventCount} events");
        var level = page.Locator("[data-field=level]");
        await level.Locator("button.name").ClickAsync();
        var error = level.Locator("li", new LocatorLocatorOptions { HasText = "error" });
        await error.GetByTestId("filter-for").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(LevelErrorUrl());
        await Assertions.Expect(page.GetByTestId("hits")).ToHaveTextAsync($"{Expected(i => UiFixture.LevelOf(i) == "error")} events");
        Assert.All(await page.Locator("[data-testid=row] .badge").AllInnerTextsAsync(), t => Assert.Equal("error", t));
        await ui.ScreenshotAsync(page, "discover-filtered");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Histogram_Drag_ZoomsIntoTheRange()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/?from=-1h");
        await Assertions.Expect(page.GetByTestId("hits")).ToHaveTextAsync($"{UiFixture.EventCount} events");
        var slots = page.Locator("[data-testid=histogram] rect.slot");
        // The histogram follows the rows (whose count already reads the same when none is cut off).
        await Assertions.Expect(slots.First).ToBeAttachedAsync();
        var count = await slots.CountAsync();
        Assert.True(count > 10, $"{count} slots");
        // The events span the last 20 minutes of the hour: drag over the last quarter of the chart.
        var from = await slots.Nth(count * 3 / 4).BoundingBoxAsync();
        var to = await slots.Nth(count - 1).BoundingBoxAsync();
        await page.Mouse.MoveAsync(from!.X + 2, from.Y + 20);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(from.X + 20, from.Y + 20, new MouseMoveOptions { Steps = 4 });
        await page.Mouse.MoveAsync(to!.X + 2, to.Y + 20, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        await Assertions.Expect(page).ToHaveURLAsync(AbsoluteRangeUrl());
        await Assertions.Expect(page.GetByTestId("zoom-out")).ToBeVisibleAsync();
        // The zoomed search replaces the count of the whole hour.
        await Assertions.Expect(page.GetByTestId("hits")).Not.ToHaveTextAsync($"{UiFixture.EventCount} events");
        var hits = await HitsAsync(page);
        Assert.InRange(hits, 1, UiFixture.EventCount - 1);
        await ui.ScreenshotAsync(page, "discover-zoomed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Row_Click_ShowsEveryField()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/?q=connection&from=-1h");
        await page.GetByTestId("row").First.ClickAsync();
        var details = page.GetByTestId("row-details");
        await Assertions.Expect(details).ToBeVisibleAsync();
        await Assertions.Expect(details).ToContainTextAsync("request_id");
        await Assertions.Expect(details).ToContainTextAsync("upstream connection refused");
        await ui.ScreenshotAsync(page, "discover-row");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task BadQuery_ShowsTheErrorPlace()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/?from=-1h");
        var query = page.GetByTestId("query");
        await query.FillAsync("status:");
        await query.PressAsync("Enter");
        var error = page.GetByTestId("query-error");
        await Assertions.Expect(error).ToContainTextAsync("line 1, column 8: expected a value after ':'");
        await ui.ScreenshotAsync(page, "discover-error");
        await page.Context.CloseAsync();
    }

    private static async Task<int> HitsAsync(IPage page)
    {
        var hits = page.GetByTestId("hits");
        await Assertions.Expect(hits).ToHaveTextAsync(EventsText());
        return int.Parse(EventsText().Match(await hits.InnerTextAsync()).Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("q=level%3A%22error%22")]
    private static partial Regex LevelErrorUrl();

    [GeneratedRegex("from=\\d{4}-\\d\\d-\\d\\dT")]
    private static partial Regex AbsoluteRangeUrl();

    [GeneratedRegex("^([\\d,]+) events$")]
    private static partial Regex EventsText();
}
