using System.Diagnostics;
using System.Text;

namespace Vigie.Agent.Tests.Journald;

/// <summary>
/// Journal files made the way a remote host's journal is: entries in the journal export format, written
/// by <c>systemd-journal-remote</c> into a directory that <c>journalctl --directory</c> then reads.
/// </summary>
internal sealed class JournalFiles
{
    private const string BootId = "0123456789abcdef0123456789abcdef";
    private static readonly string[] RemoteCandidates = ["/usr/lib/systemd/systemd-journal-remote", "/lib/systemd/systemd-journal-remote"];

    public JournalFiles(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>One entry: its realtime timestamp (µs) and its fields; a byte[] value is written in binary form.</summary>
    public sealed record Entry(long RealtimeUs, params (string Name, object Value)[] Fields);

    /// <summary>Appends entries to the directory's journal file (created the first time).</summary>
    public async Task WriteAsync(params Entry[] entries)
    {
        var export = new MemoryStream();
        void Text(string s) => export.Write(Encoding.UTF8.GetBytes(s));
        foreach (var entry in entries)
        {
            Text($"__REALTIME_TIMESTAMP={entry.RealtimeUs}\n__MONOTONIC_TIMESTAMP={entry.RealtimeUs % 1_000_000_000}\n_BOOT_ID={BootId}\n");
            foreach (var (name, value) in entry.Fields)
            {
                if (value is byte[] bytes)
                {
                    Text(name + "\n");
                    export.Write(BitConverter.GetBytes((ulong)bytes.Length));
                    export.Write(bytes);
                    Text("\n");
                }
                else
                {
                    Text($"{name}={value}\n");
                }
            }
            Text("\n");
        }
        var input = Path.Combine(Directory, "..", $"in-{Guid.NewGuid():N}.export");
        await File.WriteAllBytesAsync(input, export.ToArray());
        var remote = RemoteCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("systemd-journal-remote is missing: run scripts/install-test-deps.sh (package systemd-journal-remote)");
        using var process = Process.Start(new ProcessStartInfo(remote, ["--output=" + Path.Combine(Directory, "remote.journal"), input])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, await errors);
        File.Delete(input);
    }

    /// <summary>Numbered entries <c>first</c>..<c>last</c> of a unit, one millisecond apart.</summary>
    public static Entry[] Numbered(int first, int last) =>
        [.. Enumerable.Range(first, last - first + 1).Select(i => new Entry(1_764_064_800_000_000 + (i * 1000L), ("MESSAGE", $"entry {i}"), ("_SYSTEMD_UNIT", "worker.service"), ("PRIORITY", "6")))];
}
