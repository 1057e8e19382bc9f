using Vigie.Cli.Arguments;
using Vigie.Cli.Commands;

namespace Vigie.Cli.Tests;

public sealed class AgentOptionsTests
{
    private static Vigie.Agent.Hosting.AgentOptions Options(string[] args, Dictionary<string, string>? environment = null) =>
        AgentCommand.Options(ArgParser.Parse(args, AgentCommand.Spec), name => environment?.GetValueOrDefault(name));

    [Fact]
    public void OnlyAServer_GivesDefaults()
    {
        var options = Options(["--server", "http://vigie.example:9880"]);
        Assert.Equal(new Uri("http://vigie.example:9880"), options.Server);
        Assert.Null(options.ApiKey);
        Assert.Equal(Path.GetFullPath("./vigie-agent-data"), options.DataDir);
        Assert.Equal("127.0.0.1:9881", options.Listen);
        Assert.Equal(512L * 1024 * 1024, options.BufferBytes);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BatchWait);
        Assert.True(options.Docker.Enabled);
        Assert.Equal("unix:///var/run/docker.sock", options.Docker.Endpoint);
        Assert.Null(options.Hostname);
    }

    [Fact]
    public void FlagsWinOverEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["VIGIE_SERVER"] = "http://from-env:9880",
            ["VIGIE_API_KEY"] = "env-key",
            ["VIGIE_DOCKER_HOST"] = "unix:///run/other.sock",
            ["VIGIE_AGENT_LISTEN"] = "off",
            ["VIGIE_HOSTNAME"] = "env-host",
            ["VIGIE_BUFFER_SIZE"] = "2GB",
            ["VIGIE_BATCH_WAIT"] = "200ms",
        };
        var fromEnvironment = Options([], environment);
        Assert.Equal(new Uri("http://from-env:9880"), fromEnvironment.Server);
        Assert.Equal("env-key", fromEnvironment.ApiKey);
        Assert.Equal("unix:///run/other.sock", fromEnvironment.Docker.Endpoint);
        Assert.Null(fromEnvironment.Listen);
        Assert.Equal("env-host", fromEnvironment.Hostname);
        Assert.Equal(2_000_000_000, fromEnvironment.BufferBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(200), fromEnvironment.BatchWait);

        var fromFlags = Options(["--server", "https://from-flag", "--api-key", "flag-key", "--docker-host", "off", "--hostname", "flag-host", "--buffer-size", "64MiB"], environment);
        Assert.Equal(new Uri("https://from-flag"), fromFlags.Server);
        Assert.Equal("flag-key", fromFlags.ApiKey);
        Assert.False(fromFlags.Docker.Enabled);
        Assert.Equal("flag-host", fromFlags.Hostname);
        Assert.Equal(64L * 1024 * 1024, fromFlags.BufferBytes);
    }

    [Fact]
    public void TheConfigFile_IsRead_AndFlagsWinOverIt()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "docker:\n  enabled: true\n  labels: [team]\nfiles:\n  - path: /var/log/*.log\n");
            var options = Options(["--server", "http://s", "--config", file, "--docker-host", "off"]);
            Assert.False(options.Docker.Enabled);
            Assert.Equal(["team"], options.Docker.LabelAllowList);
            Assert.Equal("/var/log/*.log", Assert.Single(options.Files.Inputs).Glob);

            File.WriteAllText(file, "docker:\n  enable: true\n");
            var e = Assert.Throws<UsageException>(() => Options(["--server", "http://s", "--config", file]));
            Assert.Equal($"{file}:2:3: docker: unknown setting 'enable'; expected enabled, labels, log-files", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(new string[0], "--server URL is required (or VIGIE_SERVER), e.g. --server http://vigie.example:9880")]
    [InlineData(new[] { "--server", "vigie:9880" }, "invalid --server 'vigie:9880': expected an http:// or https:// URL, e.g. http://vigie.example:9880")]
    [InlineData(new[] { "--server", "http://s", "--docker-host", "/var/run/docker.sock" }, "invalid --docker-host '/var/run/docker.sock': expected unix:///path/to/docker.sock or off")]
    [InlineData(new[] { "--server", "http://s", "--buffer-size", "10KB" }, "invalid --buffer-size '10KB': expected a size of at least 1MiB, e.g. 512MiB, 2GB")]
    [InlineData(new[] { "--server", "http://s", "--batch-wait", "2m" }, "invalid --batch-wait '2m': expected a duration from 1ms to 60s, e.g. 1s, 200ms")]
    [InlineData(new[] { "--server", "http://s", "--listen", "9881" }, "invalid --listen '9881': expected HOST:PORT, e.g. 127.0.0.1:9881")]
    [InlineData(new[] { "--server", "http://s", "--config", "/nonexistent.yaml" }, "--config '/nonexistent.yaml': no such file")]
    public void Mistakes_AreUsageErrors(string[] args, string message)
    {
        var e = Assert.Throws<UsageException>(() => Options(args));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Help_ListsTheAgent()
    {
        var output = new StringWriter();
        var console = new CliConsole { Out = output, Error = new StringWriter() };
        Assert.Equal(0, await CliApp.RunAsync(["help"], console, CancellationToken.None));
        Assert.Contains("  agent     collect this host's container, file and journal logs and ship them to a server", output.ToString(), StringComparison.Ordinal);
        output.GetStringBuilder().Clear();
        Assert.Equal(0, await CliApp.RunAsync(["agent", "--help"], console, CancellationToken.None));
        Assert.StartsWith("usage: vigie agent --server URL", output.ToString(), StringComparison.Ordinal);
    }
}
