using Vigie.Pipelines.Configuration;

namespace Vigie.Pipelines.Tests;

public class ConfigTests
{
    private static ConfigException Invalid(string yaml) => Assert.Throws<ConfigException>(() => Run.Config(yaml));

    [Fact]
    public void Errors_name_file_line_column_and_reason()
    {
        var e = Invalid("""
            listeners:
              syslog: {enabled: true}
            pipelines:
              web:
                processors:
                  - grk: {pattern: x}
            """);
        Assert.Equal("test.yaml", e.File);
        Assert.Equal(6, e.Line);
        Assert.Equal(9, e.Column);
        Assert.StartsWith("test.yaml:6:9: unknown processor 'grk'", e.Message);
    }

    [Theory]
    [InlineData("pipelines:\n  web:\n    if: 'status:[500 TO'\n    processors: [drop: {}]\n", 3, "'if': invalid filter")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - grok: {pattern: '%{NOPE:x}'}\n", 4, "unknown grok pattern 'NOPE'")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - grok: {pattern: x, colour: red}\n", 4, "unknown option 'colour'")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - date: {field: t}\n", 4, "missing 'formats'")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - set: {field: a, value: b}\n      - multiline: {start: x}\n", 5, "'multiline' must be the first processor")]
    [InlineData("pipelines:\n  web:\n    processors: []\n", 3, "'processors' must be a list")]
    [InlineData("pipelines:\n  web: [\n", 3, "invalid YAML")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - regex: {pattern: '(unclosed'}\n", 4, "invalid regex")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - pseudonymize_ip: {method: hash}\n", 4, "needs a 'key'")]
    [InlineData("pipelines:\n  web:\n    processors:\n      - geoip: {database: /nonexistent/x.mmdb}\n", 4, "cannot open GeoIP database")]
    public void Invalid_configs_are_refused(string yaml, int line, string reason)
    {
        var e = Invalid(yaml);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_file_pipeline_replaces_or_disables_a_built_in_one()
    {
        var all = Run.Config("", builtIns: true);
        Assert.Contains(all, p => p.Name == "nginx" && p.BuiltIn);
        var replaced = Run.Config("pipelines:\n  nginx:\n    if: 'service:nginx'\n    processors: [drop: {}]\n", builtIns: true);
        Assert.Equal(all.Count, replaced.Count);
        Assert.False(replaced.Single(p => p.Name == "nginx").BuiltIn);
        var disabled = Run.Config("pipelines:\n  nginx: {enabled: false}\n", builtIns: true);
        Assert.DoesNotContain(disabled, p => p.Name == "nginx");
    }

    [Fact]
    public void Repeated_processors_get_numbered_ids()
    {
        var p = Run.Config("pipelines:\n  p:\n    processors:\n      - remove: {fields: [a]}\n      - remove: {fields: [b]}\n      - set: {id: mark, field: x, value: y}\n")[0];
        Assert.Equal(["remove", "remove#2", "mark"], p.Processors.Select(x => x.Id));
    }
}
