using System.Globalization;

namespace Vigie.Shippers.Tests;

/// <summary>
/// Docker's own logging drivers, from a real daemon to the server: every line of a container's stdout
/// and stderr is found with the container's name and which stream it came from.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerDriverTests(DockerDaemon docker, ShipperServer server)
{
    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a container that prints 3 lines on stdout and 2 on stderr, with the given driver.</summary>
    private async Task<(string Name, string Marker)> RunContainerAsync(string driver, params string[] options)
    {
        var marker = ShipperServer.Marker();
        var name = "c" + marker;
        List<string> args = ["run", "--rm", "--network=none", "--name", name, "--log-driver", driver];
        foreach (var option in options)
        {
            args.Add("--log-opt");
            args.Add(option);
        }
        args.AddRange([DockerDaemon.Image, "sh", "-c", $"for i in 1 2 3; do echo out $i {marker}; done; for i in 1 2; do echo err $i {marker} >&2; done"]);
        await docker.RunOkAsync(args);
        return (name, marker);
    }

    [Theory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task GelfDriver_ContainerLines_FoundWithContainerAndLevel(string transport)
    {
        var port = transport == "udp" ? server.GelfUdp : server.GelfTcp;
        var (name, marker) = await RunContainerAsync("gelf", $"gelf-address={transport}://127.0.0.1:{Port(port)}");
        var rows = await server.WaitForAsync(marker, 5);
        Assert.All(rows, r => Assert.Equal(name, r.Text("container")));
        Assert.Equal(3, rows.Count(r => r.Text("_msg")!.StartsWith("out ", StringComparison.Ordinal) && r.Text("level") == "info"));
        Assert.Equal(2, rows.Count(r => r.Text("_msg")!.StartsWith("err ", StringComparison.Ordinal) && r.Text("level") == "error"));
        Assert.Single(await server.QueryAsync($"{marker} container:{name} level:error _msg:\"err 2\""));
    }

    [Theory]
    [InlineData("tcp", "rfc3164")]
    [InlineData("tcp", "rfc5424")]
    [InlineData("tcp", "rfc5424micro")]
    [InlineData("udp", "rfc3164")]
    [InlineData("udp", "rfc5424")]
    public async Task SyslogDriver_ContainerLines_FoundWithTagAndLevel(string transport, string format)
    {
        var port = transport == "udp" ? server.SyslogUdp : server.SyslogTcp;
        var (name, marker) = await RunContainerAsync("syslog", $"syslog-address={transport}://127.0.0.1:{Port(port)}", $"syslog-format={format}", "tag={{.Name}}");
        var rows = await server.WaitForAsync(marker, 5);
        Assert.All(rows, r => Assert.Equal(name, r.Text("service")));
        Assert.Equal(3, rows.Count(r => r.Text("_msg")!.StartsWith("out ", StringComparison.Ordinal) && r.Text("level") == "info"));
        Assert.Equal(2, rows.Count(r => r.Text("_msg")!.StartsWith("err ", StringComparison.Ordinal) && r.Text("level") == "error"));
    }

    [Fact]
    public async Task FluentdDriver_ContainerLines_FoundWithContainerAndSource()
    {
        var (name, marker) = await RunContainerAsync("fluentd", $"fluentd-address=tcp://127.0.0.1:{Port(server.Fluent)}", "tag=docker.{{.Name}}");
        var rows = await server.WaitForAsync(marker, 5);
        Assert.All(rows, r => Assert.Equal(name, r.Text("container")));
        Assert.All(rows, r => Assert.Equal("docker." + name, r.Text("tag")));
        Assert.Equal(3, rows.Count(r => r.Text("_msg")!.StartsWith("out ", StringComparison.Ordinal) && r.Text("source") == "stdout"));
        Assert.Equal(2, rows.Count(r => r.Text("_msg")!.StartsWith("err ", StringComparison.Ordinal) && r.Text("source") == "stderr"));
    }

    [Fact]
    public async Task SplunkDriver_ContainerLines_FoundWithTagAndStream()
    {
        var (name, marker) = await RunContainerAsync("splunk", $"splunk-url={server.BaseAddress.ToString().TrimEnd('/')}", $"splunk-token={ShipperServer.SplunkToken}", "tag={{.Name}}", "splunk-source=docker", "splunk-sourcetype=app");
        var rows = await server.WaitForAsync(marker, 5);
        Assert.All(rows, r => Assert.Equal(name, r.Text("tag")));
        Assert.All(rows, r => Assert.Equal("docker", r.Text("source")));
        Assert.Equal(3, rows.Count(r => r.Text("_msg")!.StartsWith("out ", StringComparison.Ordinal) && r.Text("stream") == "stdout"));
        Assert.Equal(2, rows.Count(r => r.Text("_msg")!.StartsWith("err ", StringComparison.Ordinal) && r.Text("stream") == "stderr"));
    }
}
