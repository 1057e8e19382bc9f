namespace Vigie.Testing.Docker;

/// <summary>
/// A base image equivalent to Microsoft's <c>runtime-deps</c> for one native executable, made offline:
/// the libraries <c>ldd</c> lists for it (the C library and the loader), those .NET opens at run time
/// (OpenSSL for https://, zlib, libgcc_s), each with what it links to, and the CA certificates.
/// Imported from a tar, like the busybox image. No shell, no package manager: a file the executable
/// needs and this image lacks makes it fail in the container.
/// </summary>
public static class RuntimeDepsImage
{
    /// <summary>Loaded by name at run time, so absent from <c>ldd</c>'s list. No ICU: Vigie runs with invariant globalization.</summary>
    private static readonly string[] Opened = ["libssl.so.3", "libcrypto.so.3", "libz.so.1", "libgcc_s.so.1"];

    private const string CaCertificates = "/etc/ssl/certs/ca-certificates.crt";

    public static async Task ImportAsync(LocalDockerDaemon docker, string executable, string tag)
    {
        var work = Directory.CreateTempSubdirectory("vigie-runtime-deps-").FullName;
        try
        {
            var rootfs = Directory.CreateDirectory(Path.Combine(work, "rootfs")).FullName;
            var cache = await ProcessRunner.RunOkAsync("/sbin/ldconfig", ["-p"]).ConfigureAwait(false);
            var files = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var binary in Opened.Select(name => Locate(cache, name)).Append(executable))
            {
                if (binary != executable)
                {
                    files.Add(binary);
                }
                files.UnionWith(LinkedLibraries(await ProcessRunner.RunOkAsync("ldd", [binary]).ConfigureAwait(false)));
            }
            if (!File.Exists(CaCertificates))
            {
                throw new InvalidOperationException($"{CaCertificates} is missing (package ca-certificates, see scripts/install-test-deps.sh)");
            }
            files.Add(CaCertificates);
            foreach (var file in files)
            {
                // The path the loader asks for, with the content of what it points to (symbolic links followed).
                var target = Path.Combine(rootfs, file.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var tmp = Directory.CreateDirectory(Path.Combine(rootfs, "tmp")).FullName;
            await ProcessRunner.RunOkAsync("chmod", ["1777", tmp]).ConfigureAwait(false);
            var tar = Path.Combine(work, "rootfs.tar");
            await ProcessRunner.RunOkAsync("tar", ["-C", rootfs, "-cf", tar, "."]).ConfigureAwait(false);
            await docker.RunOkAsync(["import", tar, tag]).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The path of a library as the loader finds it, from <c>ldconfig -p</c> (lines "name (flags) => path").</summary>
    private static string Locate(string cache, string name)
    {
        foreach (var line in cache.Split('\n', StringSplitOptions.TrimEntries))
        {
            var arrow = line.IndexOf(" => ", StringComparison.Ordinal);
            if (arrow > 0 && line.StartsWith(name + " ", StringComparison.Ordinal) && line.Contains("x86-64", StringComparison.Ordinal))
            {
                return line[(arrow + 4)..];
            }
        }
        throw new InvalidOperationException($"{name} is not installed (see scripts/install-test-deps.sh)");
    }

    /// <summary>The absolute paths in <c>ldd</c>'s output: "name => /path (address)" and "/loader (address)".</summary>
    private static IEnumerable<string> LinkedLibraries(string ldd)
    {
        foreach (var line in ldd.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Contains("not found", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("ldd: " + line);
            }
            var path = line.Split(' ').FirstOrDefault(token => token.StartsWith('/'));
            if (path is not null)
            {
                yield return path;
            }
        }
    }
}
