using System.Diagnostics;
using System.Globalization;
using static Vigie.Agent.Tests.Delivery.BufferHelpers;

namespace Vigie.Agent.Tests.Delivery;

/// <summary>
/// A program writing into the buffer is killed with SIGKILL in full flight, three times, resuming each
/// time from the buffer's positions: every line whose position was durable is there exactly once, in
/// order, with nothing missing in between.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Sources = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-agent-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KilledWhileWriting_EveryDurableLineIsThereOnce()
    {
        var reported = new Dictionary<string, long>();
        for (var round = 0; round < 3; round++)
        {
            await RunAndKillAsync(reported);
            await using var buffer = Open(_dir);
            var lines = PendingLines(buffer);
            for (var s = 0; s < Sources; s++)
            {
                var key = $"test:{s}";
                Assert.True(buffer.TryGet(key, out var position), $"round {round}: no position for {key}");
                var expected = Enumerable.Range(1, (int)position.Offset).Select(i => $"{key} line {i}").ToList();
                var actual = lines.Where(l => Msg(l).StartsWith(key + " ", StringComparison.Ordinal)).Select(Msg).ToList();
                Assert.Equal(expected.Count, actual.Count);
                Assert.Equal(expected, actual);
                Assert.True(position.Offset >= reported.GetValueOrDefault(key), $"round {round}: {key} was reported durable up to {reported.GetValueOrDefault(key)}, the buffer has {position.Offset}");
            }
        }
        Assert.All(Enumerable.Range(0, Sources), s => Assert.True(reported.GetValueOrDefault($"test:{s}") > 0, $"test:{s} never reported a durable line"));
    }

    /// <summary>
    /// The writer in its own build output (tests/Vigie.Agent.BufferWriter/bin/CONFIG/TFM): the copy next to
    /// the tests lacks the logging assembly that ASP.NET Core's framework gives the tests.
    /// </summary>
    private static string WriterPath()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = output.Name;
        var config = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Vigie.Agent.BufferWriter", "bin", config, tfm, "Vigie.Agent.BufferWriter.dll");
        Assert.True(File.Exists(path), $"the buffer writer is not built at {path}");
        return path;
    }

    private async Task RunAndKillAsync(Dictionary<string, long> reported)
    {
        var writer = WriterPath();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(writer);
        info.ArgumentList.Add(_dir);
        info.ArgumentList.Add(Sources.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the buffer writer");
        var reports = 0;
        var started = Stopwatch.StartNew();
        try
        {
            // Kill it after each source reported a few durable flushes of this round: it is then mid-write.
            var thisRound = new Dictionary<string, int>();
            while (thisRound.Count < Sources || thisRound.Values.Min() < 3)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (line is null)
                {
                    throw new InvalidOperationException("the buffer writer exited: " + await process.StandardError.ReadToEndAsync());
                }
                var parts = line.Split(' ');
                if (parts[0] != "durable")
                {
                    continue;
                }
                reports++;
                reported[parts[1]] = Math.Max(reported.GetValueOrDefault(parts[1]), long.Parse(parts[2], CultureInfo.InvariantCulture));
                thisRound[parts[1]] = thisRound.GetValueOrDefault(parts[1]) + 1;
            }
        }
        finally
        {
            process.Kill(); // SIGKILL, by its own PID
            await process.WaitForExitAsync();
        }
        Assert.True(reports > 0, $"no report in {started.Elapsed}");
    }
}
