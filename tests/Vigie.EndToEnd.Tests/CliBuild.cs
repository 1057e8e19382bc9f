namespace Vigie.EndToEnd.Tests;

/// <summary>
/// Builds the CLI once per test run with the repository's launcher (<c>./vigie</c>, which builds into
/// <c>.build/</c> when the sources changed) and copies the build aside, so that a rebuild started by
/// someone else meanwhile cannot swap files under a running server.
/// </summary>
public sealed class CliBuild : IDisposable
{
    public CliBuild()
    {
        RepoRoot = FindRepoRoot();
        var launcher = Path.Combine(RepoRoot, "vigie");
        var (code, stdout, stderr) = ProcessRunner.RunAsync("bash", [launcher, "version"], TimeSpan.FromMinutes(15)).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"./vigie version failed with {code}:\n{stdout}\n{stderr}");
        }
        Directory = System.IO.Directory.CreateTempSubdirectory("vigie-e2e-cli-").FullName;
        foreach (var file in System.IO.Directory.EnumerateFiles(Path.Combine(RepoRoot, ".build"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(Path.Combine(RepoRoot, ".build"), file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Dll = Path.Combine(Directory, "vigie.dll");
    }

    public string RepoRoot { get; }

    /// <summary>The private copy of the build.</summary>
    public string Directory { get; }

    public string Dll { get; }

    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigie.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("no Vigie.slnx above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs <c>dotnet vigie.dll ARGS</c> to its end.</summary>
    public Task<(int Code, string Out, string Error)> RunAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args], TimeSpan.FromMinutes(1));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Every end-to-end test shares the one build and runs alone: they start servers, kill them and fill disks.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliBuild>
{
    public const string Name = "cli";
}
