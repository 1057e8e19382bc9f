using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigie.Agent.Collection;

namespace Vigie.Agent.Journald;

/// <summary>
/// Follows the systemd journal through <c>journalctl -o json --follow</c>, one entry per line, and keeps
/// each entry's cursor as its position: a restarted agent (or a restarted <c>journalctl</c>) goes on with
/// <c>--after-cursor</c>, so no entry is skipped or sent twice.
/// </summary>
/// <remarks>
/// Without a kept cursor, the first run starts at the agent's start time (<c>--since</c>), or at the
/// journal's oldest entry with <see cref="JournaldSourceOptions.ReadFromStart"/>. <c>--lines=all</c> is
/// always given: with <c>--follow</c> alone <c>journalctl</c> would show only the last ten entries.
/// </remarks>
public sealed class JournaldSource(JournaldSourceOptions options, AgentHost host, ILogger logger) : ILogSource
{
    /// <summary>The key the journal's position is kept under.</summary>
    public const string SourceKey = "journald";

    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);
    private const int MaxEntryBytes = 64 * 1024 * 1024;

    private readonly LineOrigin _origin = new(SourceKey, [new(AgentStreamFields.Host, host.Name)], options.Pipeline);
    private readonly long _startSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private string? _cursor;

    public string Name => "journald";

    public JournaldCounters Counters { get; } = new();

    public async Task RunAsync(ILineSink sink, IPositionBook positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.TryGet(SourceKey, out var position) && !string.IsNullOrEmpty(position.Cursor))
        {
            _cursor = position.Cursor;
        }
        var delay = FirstRestartDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = Stopwatch.StartNew();
            var before = Counters.EntriesRead;
            try
            {
                var (exitCode, errors) = await RunJournalctlAsync(sink, cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                if (Counters.EntriesRead > before || started.Elapsed > HealthyRun)
                {
                    delay = FirstRestartDelay;
                }
                logger.LogWarning("journalctl exited with code {Code}{Errors}; starting it again in {Delay}", exitCode, errors, delay);
            }
            catch (Win32Exception e)
            {
                logger.LogError("Cannot start {Program}: {Reason}; trying again in {Delay}", options.Journalctl, e.Message, delay);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The sink refused a line (the buffer failing): start again after the last entry it took.
                logger.LogWarning(e, "Following the journal failed; starting again in {Delay}", delay);
            }
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRestartDelay.Ticks));
        }
    }

    /// <summary>The arguments of one run, resuming after the last entry sent.</summary>
    internal IReadOnlyList<string> Arguments()
    {
        List<string> args = ["--output=json", "--all", "--follow", "--no-pager", "--lines=all"];
        if (options.Directory is not null)
        {
            args.Add("--directory=" + options.Directory);
        }
        foreach (var unit in options.Units)
        {
            args.Add("--unit=" + unit);
        }
        if (_cursor is not null)
        {
            args.Add("--after-cursor=" + _cursor);
        }
        else if (!options.ReadFromStart)
        {
            args.Add("--since=@" + _startSeconds.ToString(CultureInfo.InvariantCulture));
        }
        return args;
    }

    private async Task<(int ExitCode, string Errors)> RunJournalctlAsync(ILineSink sink, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Journalctl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments())
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new Win32Exception("no process started");
        Counters.Started();
        logger.LogInformation("Following the journal{Directory} with {Program} (pid {Pid}) {Where}",
            options.Directory is null ? "" : " in " + options.Directory, options.Journalctl, process.Id,
            _cursor is not null ? "after the kept cursor" : options.ReadFromStart ? "from its oldest entry" : "from now");
        var errors = new Queue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            logger.LogDebug("journalctl: {Line}", e.Data);
            lock (errors)
            {
                errors.Enqueue(e.Data);
                if (errors.Count > 5)
                {
                    errors.Dequeue();
                }
            }
        };
        process.BeginErrorReadLine();
        using var stop = cancellationToken.Register(() => Kill(process));
        try
        {
            await ReadEntriesAsync(process.StandardOutput.BaseStream, sink, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The sink refused (cancelled) or the output ended: either way this journalctl is done.
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        string tail;
        lock (errors)
        {
            tail = errors.Count == 0 ? "" : ": " + string.Join(" | ", errors);
        }
        return (process.ExitCode, tail);
    }

    private async Task ReadEntriesAsync(Stream output, ILineSink sink, CancellationToken cancellationToken)
    {
        using var parser = new JournalEntryParser();
        using var buffer = new LineBuffer(64 * 1024);
        long lineNumber = 0;
        while (true)
        {
            if (buffer.Start == 0 && buffer.End == buffer.Capacity && buffer.Capacity >= MaxEntryBytes)
            {
                // One entry larger than any real one: drop it up to its line feed.
                Counters.Bad();
                logger.LogWarning("A journal entry longer than {Max} bytes was skipped", MaxEntryBytes);
                buffer.TakeTo(buffer.End);
                buffer.ResetIfEmpty();
                await SkipLineAsync(output, cancellationToken).ConfigureAwait(false);
                lineNumber++;
            }
            buffer.MakeRoom();
            var read = await output.ReadAsync(buffer.FreeMemory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }
            buffer.Filled(read);
            for (var lineEnd = buffer.NextLineFeed(); lineEnd >= 0; lineEnd = buffer.NextLineFeed())
            {
                lineNumber++;
                await EmitAsync(parser, buffer.Slice(buffer.Start, lineEnd - buffer.Start), lineNumber, sink, cancellationToken).ConfigureAwait(false);
                buffer.TakeTo(lineEnd + 1);
            }
            buffer.ResetIfEmpty();
        }
    }

    private static async Task SkipLineAsync(Stream output, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var read = await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 || buffer.AsSpan(0, read).IndexOf((byte)'\n') >= 0)
            {
                // The bytes after that line feed are lost with it: a rare enough case not to keep them.
                return;
            }
        }
    }

    private ValueTask EmitAsync(JournalEntryParser parser, ReadOnlyMemory<byte> json, long lineNumber, ILineSink sink, CancellationToken cancellationToken)
    {
        if (json.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        JournalEntry entry;
        try
        {
            entry = parser.Parse(json.Span);
        }
        catch (JsonException e)
        {
            Counters.Bad();
            logger.LogWarning("Line {Line} of journalctl's output is not a journal entry ({Reason}); skipped", lineNumber, e.Message);
            return ValueTask.CompletedTask;
        }
        if (entry.Cursor is null)
        {
            Counters.Bad();
            logger.LogWarning("Line {Line} of journalctl's output has no __CURSOR; skipped", lineNumber);
            return ValueTask.CompletedTask;
        }
        var time = entry.RealtimeUs is { } us ? us * 1000 : Vigie.Core.Timestamps.Now();
        var append = sink.AppendAsync(new CollectedLine(_origin, time, entry.Message, new SourcePosition(0, Cursor: entry.Cursor)) { Fields = FieldsOf(entry) }, cancellationToken);
        if (append.IsCompletedSuccessfully)
        {
            Taken(entry.Cursor);
            return ValueTask.CompletedTask;
        }
        return AwaitAsync(append, entry.Cursor);
    }

    private async ValueTask AwaitAsync(ValueTask append, string cursor)
    {
        await append.ConfigureAwait(false);
        Taken(cursor);
    }

    // Only once the sink took the entry is it the place to resume from.
    private void Taken(string cursor)
    {
        _cursor = cursor;
        Counters.Entry();
    }

    private static List<KeyValuePair<string, string>> FieldsOf(JournalEntry entry)
    {
        var fields = new List<KeyValuePair<string, string>>(4);
        if (entry.Unit is { } unit)
        {
            fields.Add(new(AgentStreamFields.Unit, unit));
        }
        var service = entry.Identifier ?? (entry.Unit is { } u && u.EndsWith(".service", StringComparison.Ordinal) ? u[..^".service".Length] : entry.Unit);
        if (service is not null)
        {
            fields.Add(new("service", service));
        }
        if (JournalLevels.FromPriority(entry.Priority) is { } level)
        {
            fields.Add(new("level", level));
        }
        if (entry.Pid is { } pid)
        {
            fields.Add(new("pid", pid));
        }
        return fields;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // Already gone.
        }
    }
}
