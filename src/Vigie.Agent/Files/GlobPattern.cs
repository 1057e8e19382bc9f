namespace Vigie.Agent.Files;

/// <summary>
/// A path glob: <c>*</c> matches any part of one name, <c>?</c> one character, <c>**</c> any number of
/// directories (zero included). As in a shell, a wildcard does not match a leading dot, so
/// <c>/var/log/*.log</c> leaves hidden files alone.
/// </summary>
/// <remarks>
/// Expanded by walking only the directories the glob can reach, from the deepest directory without a
/// wildcard; <c>**</c> does not follow symbolic links to directories (they could loop). Symbolic links to
/// files are followed, like the files they point at.
/// </remarks>
public sealed class GlobPattern
{
    private static readonly EnumerationOptions Everything = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly string[] _segments;

    public GlobPattern(string glob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(glob);
        Text = Path.GetFullPath(glob);
        var parts = Text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = 0;
        while (literal < parts.Length - 1 && !HasWildcard(parts[literal]))
        {
            literal++;
        }
        BaseDirectory = "/" + string.Join('/', parts[..literal]);
        _segments = parts[literal..];
        if (_segments[^1] == "**")
        {
            _segments = [.. _segments, "*"];
        }
        WatchesSubdirectories = _segments.Length > 1;
    }

    /// <summary>The glob as an absolute path.</summary>
    public string Text { get; }

    /// <summary>The deepest directory that holds every match (where to watch for changes).</summary>
    public string BaseDirectory { get; }

    /// <summary>Whether matches can be below <see cref="BaseDirectory"/>'s own entries.</summary>
    public bool WatchesSubdirectories { get; }

    /// <summary>The existing paths that match (files and anything else: the caller checks what they are).</summary>
    public IEnumerable<string> Expand() => Expand(BaseDirectory, 0);

    /// <summary>Whether a path matches, without looking at the disk.</summary>
    public bool IsMatch(string path)
    {
        var parts = Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var baseParts = BaseDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < baseParts.Length || !parts.AsSpan(0, baseParts.Length).SequenceEqual(baseParts))
        {
            return false;
        }
        return MatchSegments(_segments, parts[baseParts.Length..]);
    }

    private IEnumerable<string> Expand(string directory, int index)
    {
        var segment = _segments[index];
        var last = index == _segments.Length - 1;
        if (segment == "**")
        {
            foreach (var path in Expand(directory, index + 1))
            {
                yield return path;
            }
            foreach (var sub in Directories(directory))
            {
                if (sub.LinkTarget is null && !sub.Name.StartsWith('.'))
                {
                    foreach (var path in Expand(sub.FullName, index))
                    {
                        yield return path;
                    }
                }
            }
            yield break;
        }
        if (!HasWildcard(segment))
        {
            var path = Path.Combine(directory, segment);
            if (last)
            {
                if (File.Exists(path))
                {
                    yield return path;
                }
            }
            else if (Directory.Exists(path))
            {
                foreach (var found in Expand(path, index + 1))
                {
                    yield return found;
                }
            }
            yield break;
        }
        if (last)
        {
            foreach (var entry in Entries(directory))
            {
                if (MatchName(segment, entry.Name))
                {
                    yield return entry.FullName;
                }
            }
            yield break;
        }
        foreach (var sub in Directories(directory))
        {
            if (MatchName(segment, sub.Name))
            {
                foreach (var path in Expand(sub.FullName, index + 1))
                {
                    yield return path;
                }
            }
        }
    }

    private static IEnumerable<FileSystemInfo> Entries(string directory)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFileSystemInfos("*", Everything).ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static IEnumerable<DirectoryInfo> Directories(string directory) => Entries(directory).OfType<DirectoryInfo>();

    private static bool MatchSegments(ReadOnlySpan<string> pattern, ReadOnlySpan<string> parts)
    {
        if (pattern.IsEmpty)
        {
            return parts.IsEmpty;
        }
        if (pattern[0] == "**")
        {
            for (var skip = 0; skip <= parts.Length - 1; skip++)
            {
                if (skip > 0 && parts[skip - 1].StartsWith('.'))
                {
                    return false;
                }
                if (MatchSegments(pattern[1..], parts[skip..]))
                {
                    return true;
                }
            }
            return false;
        }
        return !parts.IsEmpty && MatchName(pattern[0], parts[0]) && MatchSegments(pattern[1..], parts[1..]);
    }

    /// <summary>Whether one name matches one segment of the glob (<c>*</c> and <c>?</c>, no leading dot).</summary>
    public static bool MatchName(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[0] == '.' && (pattern.Length == 0 || pattern[0] != '.'))
        {
            return false;
        }
        // Iterative wildcard match with one backtrack point: linear in practice, no recursion.
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;

    public override string ToString() => Text;
}
