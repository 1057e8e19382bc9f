using Microsoft.Playwright;

namespace Vigie.Web.BrowserTests;

[Collection(UiCollection.Name)]
public sealed class DashboardTests(UiFixture ui)
{
    [Fact]
    public async Task Panel_Created_IsThereAfterReload()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/dashboards");
        await Assertions.Expect(page.GetByTestId("dashboard-card").First).ToBeVisibleAsync();
        await page.GetByTestId("new-title").FillAsync("Browser test");
        await page.GetByTestId("create").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(ui.Url("/dashboards/browser-test"));
        await page.GetByTestId("add-panel").ClickAsync();
        await page.GetByTestId("panel-title").FillAsync("Errors per service");
        await page.GetByTestId("panel-query").FillAsync("level:error | top 5 by (service)");
        await page.GetByTestId("panel-kind").SelectOptionAsync("Bars");
        await page.GetByTestId("save-panel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("panel-name")).ToHaveTextAsync("Errors per service");

        await page.ReloadAsync();
        var panel = page.GetByTestId("panel");
        await Assertions.Expect(panel.GetByTestId("panel-name")).ToHaveTextAsync("Errors per service");
        await Assertions.Expect(panel.GetByTestId("bar")).ToHaveCountAsync(UiFixture.Services.Length);
        await Assertions.Expect(panel.GetByTestId("bar").First).ToContainTextAsync("10");
        await ui.ScreenshotAsync(page, "dashboard-new");

        // The REST API reads the same file.
        var json = await ui.Server.Client.GetStringAsync("/api/v1/dashboards/browser-test");
        Assert.Contains("level:error | top 5 by (service)", json, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DefaultDockerDashboard_ShowsItsPanels()
    {
        var page = await ui.NewPageAsync();
        await ui.OpenAsync(page, "/dashboards/docker-host");
        await Assertions.Expect(page.GetByTestId("dashboard-title")).ToHaveTextAsync("Docker host");
        await Assertions.Expect(page.GetByTestId("panel")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("[data-kind=TimeSeries] rect.bar").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("number")).ToHaveTextAsync((UiFixture.EventCount / UiFixture.LevelCycle.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("theme").ClickAsync();
        await page.WaitForTimeoutAsync(300);
        await ui.ScreenshotAsync(page, "dashboard-docker-dark");
        await page.Context.CloseAsync();
    }
}
