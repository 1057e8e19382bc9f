using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

/// <summary>A server that goes away and comes back: the page says so, then heals by itself.</summary>
[Collection(UiCollection.Name)]
public sealed class ReconnectTests(UiFixture ui)
{
    [Fact]
    public async Task ServerKilledAndRestarted_PageShowsTheLossThenComesBackWithItsSearch()
    {
        await using var server = await VigieServe.StartAsync();
        await server.IngestAsync("""{"service":"api","_msg":"payment accepted for order 7731"}""" + "\n", "service");
        var page = await ui.NewPageAsync();
        var url = new Uri(server.Address, "/?q=" + Uri.EscapeDataString("order 7731") + "&from=now-1h").ToString();
        var row = page.GetByTestId("row").Filter(new LocatorFilterOptions { HasText = "payment accepted for order 7731" });
        // Acknowledged events are searchable within a second: reload until the row is there.
        for (var attempt = 0; attempt < 30 && await row.CountAsync() == 0; attempt++)
        {
            await page.GotoAsync(url);
            await page.GetByTestId("interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.WaitForTimeoutAsync(200);
        }
        await Assertions.Expect(row).ToHaveCountAsync(1);

        server.Kill();
        var dialog = page.GetByTestId("reconnect");
        await Assertions.Expect(dialog).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await Assertions.Expect(dialog).ToContainTextAsync("The connection to the Vigie server was lost");
        await ui.ScreenshotAsync(page, "reconnecting");

        await server.LaunchAsync();
        // The restarted server does not know the old circuit: the page reloads itself from its URL.
        await Assertions.Expect(dialog).ToBeHiddenAsync(new LocatorAssertionsToBeHiddenOptions { Timeout = 30_000 });
        await Assertions.Expect(row).ToHaveCountAsync(1, new LocatorAssertionsToHaveCountOptions { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("query")).ToHaveValueAsync("order 7731");
        await page.Context.CloseAsync();
    }
}
