using System.Globalization;
using System.IO.Compression;
using Vigie.Agent.Files;

namespace Vigie.Agent.Docker;

/// <summary>
/// The files of one container's log, as Docker's <c>json-file</c> and <c>local</c> drivers rotate them:
/// past <c>max-size</c>, the live file is renamed <c>.1</c> (the others move up by one, the oldest
/// past <c>max-file</c> is deleted) and a new live file is created; with <c>compress</c>, a rotated
/// file is then replaced by a gzip'd copy (<c>.1.gz</c>). With <c>max-file=1</c> the live file is
/// deleted and created again.
/// </summary>
internal static class LogFileSet
{
    /// <summary>The files there are now, oldest first, the live file last (if it exists).</summary>
    /// <param name="described">Called after each path is looked at (a test makes Docker rotate in between).</param>
    public static List<LogFileCandidate> List(string logPath, LogFileFormat format, Action<string>? described = null)
    {
        // The live file first: a rotation while the rotated files are looked at then only adds files after
        // it. Looked at last, a file could go from live to .1 after .1 was seen, and the list would skip from
        // the file before it to the new live file: a whole file of the log left out. The live file's entry
        // may then name a path that is another file now: opening it checks the identity.
        var live = Describe(logPath, false, format);
        described?.Invoke(logPath);
        var rotated = new List<LogFileCandidate>();
        // While Docker rotates, it renames the files one by one from the oldest: one number can be
        // missing for a moment, and a file can be seen under two numbers. So a gap does not end the
        // list, and the files are put in order by their first entry, not by their number.
        for (int i = 1, missing = 0; i < 10_000 && missing < 3; i++)
        {
            var plain = logPath + "." + i.ToString(CultureInfo.InvariantCulture);
            // The plain file first: while Docker compresses it, both exist, and the plain one is whole.
            var candidate = Describe(plain, false, format) ?? Describe(plain + ".gz", true, format);
            described?.Invoke(plain);
            if (candidate is null)
            {
                missing++;
                continue;
            }
            missing = 0;
            if (candidate.FirstTimeNs != long.MaxValue)
            {
                rotated.Add(candidate);
            }
        }
        var files = rotated.GroupBy(f => f.FirstTimeNs).Select(g => g.First()).OrderBy(f => f.FirstTimeNs).ToList();
        // Seen rotated too (it was rotated meanwhile): that entry names where it is now.
        if (live is not null && !files.Any(f => f.FirstTimeNs == live.FirstTimeNs || (!f.Compressed && f.Identity == live.Identity)))
        {
            files.Add(live);
        }
        return files;
    }

    /// <summary>Opens a file of the set for reading, decompressing it if need be; null when it is gone.</summary>
    public static Stream? Open(LogFileCandidate file, out FileIdentity identity)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file.Path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            identity = default;
            return null;
        }
        identity = UnixStat.Stat(stream.SafeFileHandle).Identity;
        return file.Compressed ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>Moves <paramref name="stream"/> to <paramref name="offset"/>; a compressed one is read up to there.</summary>
    public static async Task SeekAsync(Stream stream, long offset, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            stream.Seek(offset, SeekOrigin.Begin);
            return;
        }
        var scratch = new byte[64 * 1024];
        while (offset > 0)
        {
            var read = await stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, offset)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("the compressed log file is shorter than the position in it");
            }
            offset -= read;
        }
    }

    private static LogFileCandidate? Describe(string path, bool compressed, LogFileFormat format)
    {
        if (!UnixStat.TryStat(path, out var status) || !status.IsRegularFile)
        {
            return null;
        }
        var candidate = new LogFileCandidate(path, compressed, status.Identity, long.MaxValue);
        try
        {
            using var stream = Open(candidate, out _);
            if (stream is null)
            {
                return null;
            }
            using var decoder = new LogFileDecoder(format);
            while (true)
            {
                var buffer = decoder.GetInputBuffer();
                var read = stream.Read(buffer.Span);
                if (read == 0)
                {
                    return candidate;
                }
                decoder.Commit(read);
                if (decoder.TryRead(out var entry))
                {
                    return candidate with { FirstTimeNs = entry.TimeNs };
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A file that is not a log of this format (or a truncated gzip being written): not one of the set.
            return compressed ? null : candidate;
        }
    }
}
