using Microsoft.Extensions.Logging.Abstractions;
using Vigie.Agent.Collection;
using Vigie.Agent.Files;
using Vigie.Agent.Tests.Support;

namespace Vigie.Agent.Tests.Files;

/// <summary>A file source running in the background over a temporary directory, recording what it sends.</summary>
internal sealed class FileSourceRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private FileSourceRun(FileSource source, RecordingSink sink, ILineSink into)
    {
        Source = source;
        Sink = sink;
        _run = Task.Run(() => source.RunAsync(into, sink, _stop.Token));
    }

    public FileSource Source { get; }

    public RecordingSink Sink { get; }

    /// <summary>Starts a source (fast polling, files closed 1 s after they stopped growing) over <paramref name="sink"/>'s positions.</summary>
    public static FileSourceRun Start(RecordingSink sink, params FileInput[] inputs) => Start(sink, sink, Options(inputs));

    public static FileSourceRun Start(RecordingSink sink, ILineSink into, FileSourceOptions options) =>
        new(new FileSource(options, new AgentHost("test-host"), NullLogger.Instance), sink, into);

    public static FileSourceOptions Options(params FileInput[] inputs) => new()
    {
        Inputs = inputs,
        PollInterval = TimeSpan.FromMilliseconds(100),
        CloseInactiveAfter = TimeSpan.FromSeconds(1),
    };

    /// <summary>Waits until the messages recorded so far are exactly <paramref name="expected"/> (fails on any extra).</summary>
    public async Task ExpectAsync(params string[] expected)
    {
        await Sink.WaitForAsync(lines => lines.Count >= expected.Length, TimeSpan.FromSeconds(10));
        // A little longer: a duplicate or a stray line would show up now.
        await Task.Delay(250);
        Assert.Equal(expected, Sink.Lines.Select(l => l.Message));
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}
