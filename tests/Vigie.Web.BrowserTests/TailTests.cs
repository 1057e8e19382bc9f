using System.Globalization;
using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class TailTests(UiFixture ui)
{
    [Fact]
    public async Task LiveTail_ShowsNewMatchingEventsAsTheyArrive()
    {
        var page = await ui.NewPageAsync(dark: true);
        await ui.OpenAsync(page, "/tail?q=tailword");
        await Assertions.Expect(page.GetByTestId("tail-status")).ToContainTextAsync("Following");
        for (var i = 1; i <= 3; i++)
        {
            // Stamped two days back, out of the time ranges the other tests search: live tail shows
            // what arrives, whatever its time.
            var now = DateTime.UtcNow.AddDays(-2).ToString("O", CultureInfo.InvariantCulture);
            await ui.Server.IngestAsync(
                $"{{\"_time\":\"{now}\",\"service\":\"tail\",\"level\":\"warn\",\"_msg\":\"tailword number {i}\"}}\n" +
                $"{{\"_time\":\"{now}\",\"service\":\"tail\",\"level\":\"info\",\"_msg\":\"unrelated {i}\"}}\n", "service");
            // Each event shows up well within a second or two (the page renders four times a second).
            try
            {
                await Assertions.Expect(page.GetByTestId("tail-row").First).ToContainTextAsync($"tailword number {i}", new LocatorAssertionsToContainTextOptions { Timeout = 3000 });
            }
            catch (PlaywrightException e)
            {
                throw new InvalidOperationException("server log:\n" + ui.Server.Log, e);
            }
        }
        await Assertions.Expect(page.GetByTestId("tail-row")).ToHaveCountAsync(3);
        Assert.Equal(3, await page.Locator("[data-testid=tail-row] mark").CountAsync());
        await ui.ScreenshotAsync(page, "tail");

        await page.GetByTestId("pause").ClickAsync();
        await Assertions.Expect(page.GetByTestId("tail-status")).ToContainTextAsync("Paused");
        await ui.Server.IngestAsync($"{{\"_time\":\"{DateTime.UtcNow.AddDays(-2):O}\",\"service\":\"tail\",\"_msg\":\"tailword while paused\"}}\n", "service");
        await Assertions.Expect(page.GetByTestId("tail-status")).ToContainTextAsync("1 new events not shown");
        await Assertions.Expect(page.GetByTestId("tail-row")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }
}
