using Vigie.Cli;

namespace Vigie.Cli.Tests;

public sealed class PipelineCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-cli-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Out, string Error)> RunAsync(TestConsole console, params string[] args)
    {
        var code = await CliApp.RunAsync(args, console.Build(), CancellationToken.None);
        return (code, console.Out.ToString(), console.Error.ToString());
    }

    [Fact]
    public async Task Prints_each_step_and_exits_1_when_a_processor_failed()
    {
        var config = Write("vigie.yaml", """
            listeners:
              syslog: {enabled: true}
            pipelines:
              app:
                if: 'service:app'
                processors:
                  - logfmt: {}
                  - convert: {fields: {took: int}}
            """);
        var input = Write("sample.log", "level=info took=12 msg=ok\nlevel=warn took=slow\n");
        var (code, stdout, stderr) = await RunAsync(new TestConsole(), "pipeline", "test", "--config", config, "--field", "service=app", input);
        Assert.Equal(CliApp.Failed, code);
        Assert.Contains("  app/logfmt:\n    + level: \"info\"\n    + took: 12\n    + msg: \"ok\"\n", stdout, StringComparison.Ordinal);
        Assert.Contains("  app/convert: FAILED: 'took': 'slow' is not int", stdout, StringComparison.Ordinal);
        Assert.Contains("    _pipeline_error: \"app/convert: 'took': 'slow' is not int\"", stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 2 event(s) failed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_stdin_and_runs_one_pipeline_whatever_its_condition()
    {
        var config = Write("vigie.yaml", "pipelines:\n  web:\n    if: 'service:never'\n    processors:\n      - grok: {pattern: '^%{WORD:verb} %{INT:n:int}$'}\n");
        var console = new TestConsole { Stdin = TestConsole.Utf8("GET 7\n") };
        var (code, stdout, _) = await RunAsync(console, "pipeline", "test", "--config", config, "--pipeline", "web", "-");
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("    + verb: \"GET\"\n    + n: 7\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uses_the_built_in_pipelines_without_a_config()
    {
        var input = Write("access.log", "{\"service\":\"nginx\",\"_msg\":\"192.0.2.1 - - [25/Nov/2026:10:00:00 +0000] \\\"GET / HTTP/1.1\\\" 200 5 \\\"-\\\" \\\"curl/8.5.0\\\"\"}\n");
        var (code, stdout, _) = await RunAsync(new TestConsole(), "pipeline", "test", input);
        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("  pipelines: nginx\n", stdout, StringComparison.Ordinal);
        Assert.Contains("    ~ _time: 2026-11-25T10:00:00Z\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_config_names_file_line_and_column()
    {
        var config = Write("bad.yaml", "pipelines:\n  web:\n    processors:\n      - grok: {pattern: '%{NOPE}'}\n");
        var input = Write("x.log", "x\n");
        var (code, _, stderr) = await RunAsync(new TestConsole(), "pipeline", "test", "--config", config, input);
        Assert.Equal(CliApp.Failed, code);
        Assert.Contains($"{config}:4:", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown grok pattern 'NOPE'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_errors_exit_2()
    {
        Assert.Equal(CliApp.BadUsage, (await RunAsync(new TestConsole(), "pipeline", "run", "x")).Code);
        Assert.Equal(CliApp.BadUsage, (await RunAsync(new TestConsole(), "pipeline", "test")).Code);
        Assert.Equal(CliApp.BadUsage, (await RunAsync(new TestConsole(), "pipeline", "test", "--field", "nope", "x")).Code);
        var (code, _, stderr) = await RunAsync(new TestConsole(), "pipeline", "test", "--pipeline", "missing", Write("y.log", "y\n"));
        Assert.Equal(CliApp.Failed, code);
        Assert.Contains("no pipeline named 'missing'", stderr, StringComparison.Ordinal);
    }
}
