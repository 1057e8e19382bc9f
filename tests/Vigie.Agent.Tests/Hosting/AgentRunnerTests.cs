using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Hosting;
using Vigie.Agent.Tests.Delivery;
using Vigie.Agent.Tests.Support;
using Vigie.Pipelines.Configuration;

namespace Vigie.Agent.Tests.Hosting;

/// <summary>The whole agent (buffer, shipper, local endpoint) with a counting source, against the real server.</summary>
public sealed class AgentRunnerTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigie-agent-runner-").FullName;
    private readonly RestartableServer _server = new();

    public Task InitializeAsync() => _server.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Runner_ShipsWhatASourceReads_ReportsIt_AndResumesAfterARestart()
    {
        var options = new AgentOptions { Server = _server.Url, DataDir = _data, Listen = "127.0.0.1:0", Hostname = "node-7", BatchWait = TimeSpan.FromMilliseconds(100) };

        var first = new CountingSource(upTo: 400);
        await RunUntilAsync(options, first, async (runner, port) =>
        {
            await ShipperTests.WaitAsync(() => runner.Metrics.Delivery.LinesSent == 400, "400 lines sent");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("vigie_agent_lines_read_total{source=\"counter\"} 400\n", metrics, StringComparison.Ordinal);
            Assert.Contains("vigie_agent_lines_sent_total 400\n", metrics, StringComparison.Ordinal);
            Assert.Contains("vigie_agent_buffer_lines 0\n", metrics, StringComparison.Ordinal);
            Assert.Contains("vigie_agent_dropped_lines_total 0\n", metrics, StringComparison.Ordinal);
            Assert.Contains("# TYPE vigie_agent_last_send_timestamp_seconds gauge", metrics, StringComparison.Ordinal);
            using var missing = await http.GetAsync("/nope");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        });
        Assert.Equal(1, first.StartedFrom);

        // Restarted, the source resumes after its last durable line: lines 401..600, nothing twice.
        var second = new CountingSource(upTo: 600);
        await RunUntilAsync(options, second, runner => ShipperTests.WaitAsync(() => runner.Metrics.Delivery.LinesSent == 200, "200 more lines sent"));
        Assert.Equal(401, second.StartedFrom);

        var rows = await _server.RowsAsync("*", 600);
        Assert.Equal([.. Enumerable.Range(1, 600).Select(i => i.ToString(CultureInfo.InvariantCulture))], rows.Select(r => r.GetProperty("_msg").GetString()!.Split(' ')[1]).OrderBy(int.Parse));
        Assert.All(rows, r => Assert.Equal("node-7", r.GetProperty("host").GetString()));
    }

    [Fact]
    public async Task EdgePipelines_DropAndParse_BeforeTheBuffer_AndTheServerStoresTypedFields()
    {
        var pipelines = PipelineConfigLoader.Parse("""
            pipelines:
              edge:
                processors:
                  - drop: {if: '_msg:"line 3"'}
                  - grok: {pattern: '^line %{NUMBER:n:int}'}
            """, "agent.yaml", ".", builtIns: false);
        var options = new AgentOptions
        {
            Server = _server.Url, DataDir = _data, Listen = "127.0.0.1:0", Hostname = "node-7", BatchWait = TimeSpan.FromMilliseconds(100), Pipelines = pipelines,
        };
        await RunUntilAsync(options, new CountingSource(upTo: 5), async (runner, port) =>
        {
            await ShipperTests.WaitAsync(() => runner.Metrics.Delivery.LinesSent == 4, "4 lines sent");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("vigie_agent_lines_read_total{source=\"counter\"} 5\n", metrics, StringComparison.Ordinal);
            Assert.Contains("vigie_agent_edge_dropped_events_total 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("vigie_agent_edge_pipeline_failures_total{pipeline=\"edge\"} 0\n", metrics, StringComparison.Ordinal);
        });
        // n was stored as a number: a range query finds it.
        var rows = await _server.RowsAsync("n:>=4", 2);
        Assert.Equal(["line 4", "line 5"], rows.Select(r => r.GetProperty("_msg").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(4, (await _server.RowsAsync("host:node-7", 4)).Count);
    }

    private static Task RunUntilAsync(AgentOptions options, ILogSource source, Func<AgentRunner, Task> check) =>
        RunUntilAsync(options, source, (runner, _) => check(runner));

    private static async Task RunUntilAsync(AgentOptions options, ILogSource source, Func<AgentRunner, int, Task> check)
    {
        var runner = new AgentRunner(options, NullLoggerFactory.Instance, [source]);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        var port = await runner.Started.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            await check(runner, port ?? 0);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(20)));
        }
    }

    /// <summary>Reads "lines" 1..upTo, resuming after the position the buffer kept, then waits.</summary>
    private sealed class CountingSource(int upTo) : ILogSource
    {
        public string Name => "counter";

        public long StartedFrom { get; private set; }

        public async Task RunAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken)
        {
            var origin = new LineOrigin("counter:1", [new("host", "node-7")]);
            StartedFrom = positions.TryGet(origin.SourceKey, out var position) ? position.Offset + 1 : 1;
            for (var n = StartedFrom; n <= upTo; n++)
            {
                await sink.AppendAsync(new CollectedLine(origin, 1_764_064_800_000_000_000 + n, Encoding.UTF8.GetBytes($"line {n}"), new SourcePosition(n)), cancellationToken);
            }
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
