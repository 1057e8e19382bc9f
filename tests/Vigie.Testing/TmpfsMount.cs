namespace Vigie.Testing;

/// <summary>
/// A small tmpfs mounted on a temporary directory, for tests of a full disk: it fills up for real and
/// frees space when a file is deleted. Mounting needs root, as in CI; without it the test fails and
/// says why.
/// </summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <param name="size">The size as mount's <c>size=</c> option takes it, e.g. <c>8m</c>.</param>
    public static async Task<TmpfsMount> CreateAsync(string prefix, string size)
    {
        var path = Directory.CreateTempSubdirectory(prefix).FullName;
        var (exit, output, error) = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=" + size, "tmpfs", path], TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (exit != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"cannot mount a tmpfs (run the tests as root, as CI does): {output} {error}".TrimEnd());
        }
        return new TmpfsMount(path);
    }

    public async ValueTask DisposeAsync()
    {
        var (exit, output, error) = await ProcessRunner.RunAsync("umount", [Path], TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"umount {Path} failed: {output} {error}".TrimEnd());
        }
        Directory.Delete(Path, recursive: true);
    }
}
