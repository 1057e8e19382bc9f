using Vigie.Agent.Files;
using Vigie.Agent.Hosting;

namespace Vigie.Agent.Tests.Hosting;

public sealed class AgentConfigFileTests
{
    private static readonly AgentOptions Defaults = new() { Server = new Uri("http://127.0.0.1:9880"), DataDir = "/tmp/agent" };

    [Fact]
    public void EverySection_IsRead()
    {
        var options = AgentConfigFile.Parse("""
            docker:
              enabled: false
              labels: [com.example.team, com.example.tier]
              log-files: true
            files:
              - path: /var/log/nginx/*.log
                pipeline: nginx
              - path: /var/log/app/*.log*
                compressed: true
            journald:
              directory: /var/log/journal
              units: [nginx.service, sshd.service]
              pipeline: systemd
              from-start: true
            """, "agent.yaml", Defaults);
        Assert.False(options.Docker.Enabled);
        Assert.Equal(["com.example.team", "com.example.tier"], options.Docker.LabelAllowList);
        Assert.True(options.Docker.ReadLogFiles);
        Assert.False(Defaults.Docker.ReadLogFiles);
        Assert.Equal([new FileInput("/var/log/nginx/*.log", "nginx"), new FileInput("/var/log/app/*.log*", null, true)], options.Files.Inputs);
        Assert.True(options.Journald.Enabled);
        Assert.Equal("/var/log/journal", options.Journald.Directory);
        Assert.Equal(["nginx.service", "sshd.service"], options.Journald.Units);
        Assert.Equal("systemd", options.Journald.Pipeline);
        Assert.True(options.Journald.ReadFromStart);
    }

    [Fact]
    public void Pipelines_AreReadWithTheServersSyntax_WithoutItsBuiltIns()
    {
        var options = AgentConfigFile.Parse("""
            files:
              - path: /var/log/app/*.log
            pipelines:
              app-traces:
                if: 'file:"/var/log/app/api.log"'
                processors:
                  - multiline: {start: '^\d{4}-', timeout: 0.5}
              quiet:
                processors:
                  - drop: {if: 'level:debug'}
            """, "agent.yaml", Defaults);
        Assert.Equal(["app-traces", "quiet"], options.Pipelines.Select(p => p.Name));
        Assert.Equal(TimeSpan.FromSeconds(0.5), options.Pipelines[0].Multiline!.Timeout);
        Assert.Empty(AgentConfigFile.Parse("files: []\n", "agent.yaml", Defaults).Pipelines);
    }

    [Fact]
    public void AnEmptyFile_ChangesNothing()
    {
        Assert.Equal(Defaults, AgentConfigFile.Parse("", "agent.yaml", Defaults));
        Assert.True(AgentConfigFile.Parse("docker:\n", "agent.yaml", Defaults).Docker.Enabled);
        Assert.False(AgentConfigFile.Parse("journald:\n  enabled: off\n", "agent.yaml", Defaults).Journald.Enabled);
    }

    [Theory]
    [InlineData("dockr:\n  enabled: true\n", "agent.yaml:1:1: unknown section 'dockr'; the sections are docker, files, journald, pipelines")]
    [InlineData("docker:\n  enable: true\n", "agent.yaml:2:3: docker: unknown setting 'enable'; expected enabled, labels, log-files")]
    [InlineData("docker:\n  enabled: maybe\n", "agent.yaml:2:12: docker.enabled: expected true or false")]
    [InlineData("files:\n  path: /var/log/*.log\n", "agent.yaml:2:3: files: is a list of inputs, each with path (a glob), and optionally pipeline and compressed")]
    [InlineData("files:\n  - pipeline: nginx\n", "agent.yaml:2:5: files: each input needs a path (a glob such as /var/log/nginx/*.log)")]
    [InlineData("files:\n  - path: logs/*.log\n", "agent.yaml:2:5: files: path 'logs/*.log' must be absolute")]
    [InlineData("files:\n  - path: /a\n    glob: /b\n", "agent.yaml:3:5: files: unknown setting 'glob'; expected path, pipeline, compressed")]
    [InlineData("journald:\n  dir: /x\n", "agent.yaml:2:3: journald: unknown setting 'dir'; expected enabled, directory, units, pipeline, from-start")]
    [InlineData("- docker\n", "agent.yaml:1:1: the config file is a mapping of sections (docker:, files:, journald:, pipelines:)")]
    [InlineData("pipelines:\n  p:\n    processors: []\n", "agent.yaml:3:17: pipeline 'p': 'processors' must be a list of processors, e.g. '- grok: {pattern: ...}'")]
    [InlineData("pipelines:\n  p:\n    processors:\n      - set: {field: a, value: b}\n      - multiline: {start: x}\n", "agent.yaml:5:9: pipeline 'p': 'multiline' must be the first processor (it joins lines before anything else runs)")]
    public void Mistakes_AreRefusedWithWhereAndWhy(string yaml, string message)
    {
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigFile.Parse(yaml, "agent.yaml", Defaults));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void BrokenYaml_SaysWhere()
    {
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigFile.Parse("docker:\n  labels: [a, b\n", "agent.yaml", Defaults));
        Assert.StartsWith("agent.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFile_SaysWhich()
    {
        var e = Assert.Throws<AgentConfigException>(() => AgentConfigFile.Load("/nonexistent/agent.yaml", Defaults));
        Assert.StartsWith("/nonexistent/agent.yaml: ", e.Message, StringComparison.Ordinal);
    }
}
