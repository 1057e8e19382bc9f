namespace Vigie.Pipelines.Tests;

public sealed class GeoIpTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-geoip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<Pipeline> Pipelines()
    {
        var writer = new MmdbWriter();
        writer.Insert("81.2.69.0", 24, new()
        {
            ["country"] = new Dictionary<string, object> { ["iso_code"] = "GB", ["names"] = new Dictionary<string, object> { ["en"] = "United Kingdom", ["fr"] = "Royaume-Uni" } },
            ["continent"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = "Europe" } },
            ["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = "London" } },
            ["location"] = new Dictionary<string, object> { ["latitude"] = 51.5142, ["longitude"] = -0.0931 },
        });
        writer.Insert("2.125.160.0", 20, new()
        {
            ["country"] = new Dictionary<string, object> { ["iso_code"] = "FR" },
            ["autonomous_system_number"] = 3215u,
            ["autonomous_system_organization"] = "Orange",
        });
        File.WriteAllBytes(Path.Combine(_dir, "test.mmdb"), writer.Build());
        // A relative database path is read from the config file's folder.
        return Vigie.Pipelines.Configuration.PipelineConfigLoader.Parse("pipelines:\n  geo:\n    processors:\n      - geoip: {database: test.mmdb}\n", "vigie.yaml", _dir, builtIns: false);
    }

    [Fact]
    public void Known_addresses_get_their_location()
    {
        var pipelines = Pipelines();
        var london = Run.Through(pipelines, Run.Event(("client_ip", "81.2.69.160")));
        Assert.Null(london.Text("_pipeline_error"));
        Assert.Equal("GB", london.Text("geo.country_code"));
        Assert.Equal("United Kingdom", london.Text("geo.country"));
        Assert.Equal("Europe", london.Text("geo.continent"));
        Assert.Equal("London", london.Text("geo.city"));
        Assert.Equal("51.5142", london.Text("geo.latitude"));
        Assert.Equal("-0.0931", london.Text("geo.longitude"));

        var orange = Run.Through(pipelines, Run.Event(("client_ip", "2.125.175.1")));
        Assert.Equal("FR", orange.Text("geo.country_code"));
        Assert.Equal("3215", orange.Text("geo.asn"));
        Assert.Equal("Orange", orange.Text("geo.as_org"));
        Assert.Null(orange.Text("geo.city"));
    }

    [Fact]
    public void Unknown_addresses_are_no_failure_and_bad_ones_are()
    {
        var pipelines = Pipelines();
        var unknown = Run.Through(pipelines, Run.Event(("client_ip", "192.0.2.1")));
        Assert.Null(unknown.Text("_pipeline_error"));
        Assert.Single(unknown.Fields);
        var bad = Run.Through(pipelines, Run.Event(("client_ip", "not-an-ip")));
        Assert.Equal("geo/geoip: 'client_ip': 'not-an-ip' is not an IP address", bad.Text("_pipeline_error"));
    }
}
