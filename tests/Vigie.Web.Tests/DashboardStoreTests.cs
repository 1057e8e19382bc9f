using Vigie.Web.Model;
using Vigie.Web.Services;

namespace Vigie.Web.Tests;

public sealed class DashboardStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-dashboards-").FullName;

    [Fact]
    public void NewDataDirectory_StartsWithTheDockerDashboard()
    {
        var store = new DashboardStore(_dir);
        var docker = Assert.Single(store.List());
        Assert.Equal("docker-host", docker.Id);
        Assert.Equal(DefaultDashboards.DockerHost.Panels, docker.Panels);
    }

    [Fact]
    public void Save_ThenReopen_ReadsTheSameDashboard_AndLeavesNoTemporaryFile()
    {
        var saved = new Dashboard("team-api", "Team API", [new Panel("5xx", "status:>=500 | stats count()", PanelKind.Number, 4), new Panel("Statuses", "* | stats count() by (_time:1m, status)", PanelKind.TimeSeries) { Series = SeriesGrouping.HttpStatusClass }]) { From = "-6h" };
        new DashboardStore(_dir).Save(saved);
        var read = new DashboardStore(_dir).Get("team-api");
        Assert.NotNull(read);
        Assert.Equal(saved.Title, read.Title);
        Assert.Equal(saved.From, read.From);
        Assert.Equal(saved.Panels, read.Panels);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, DashboardStore.Folder), "*.tmp"));
    }

    [Fact]
    public void DeletedDefault_StaysDeleted()
    {
        Assert.True(new DashboardStore(_dir).Delete("docker-host"));
        Assert.Empty(new DashboardStore(_dir).List());
    }

    [Fact]
    public void DamagedFile_IsSkippedNotFatal()
    {
        var store = new DashboardStore(_dir);
        File.WriteAllText(Path.Combine(_dir, DashboardStore.Folder, "broken.json"), "{ not json");
        Assert.Null(store.Get("broken"));
        Assert.Equal(["docker-host"], store.List().Select(d => d.Id));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("Upper")]
    [InlineData("")]
    [InlineData("-dash-first")]
    public void InvalidId_IsRefused(string id)
    {
        var store = new DashboardStore(_dir);
        Assert.False(DashboardStore.IsValidId(id));
        Assert.Null(store.Get(id));
        Assert.Throws<ArgumentException>(() => store.Save(new Dashboard(id, "x", [])));
    }

    [Fact]
    public void NewId_IsASlugMadeUnique()
    {
        var store = new DashboardStore(_dir);
        Assert.Equal("docker-host-2", store.NewId("Docker host!"));
        Assert.Equal("my-api-errors", store.NewId("  My API: errors "));
        Assert.Equal("dashboard", store.NewId("???"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
