namespace Vigie.EndToEnd.Tests;

/// <summary>
/// Publishes <c>vigie-agent</c> (Native AOT, as deploy/agent does) once for the tests that run it,
/// into a temporary directory removed afterwards.
/// </summary>
public sealed class AgentNativeBuild : IDisposable
{
    public AgentNativeBuild()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("vigie-e2e-agent-aot-").FullName;
        var root = CliBuild.FindRepoRoot();
        var project = Path.Combine(root, "src", "Vigie.Agent.Host", "Vigie.Agent.Host.csproj");
        // Under the launcher's lock: the publish restores and builds the projects ./vigie builds too,
        // and another test project may be starting ./vigie meanwhile.
        var buildDir = System.IO.Directory.CreateDirectory(Path.Combine(root, ".build")).FullName;
        var (code, stdout, stderr) = ProcessRunner.RunAsync("flock",
            [Path.Combine(buildDir, ".lock"), "dotnet", "publish", project, "-c", "Release", "-r", "linux-x64", "-o", Directory, "--nologo", "-v", "q"], TimeSpan.FromMinutes(15)).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"dotnet publish of vigie-agent failed with {code} (Native AOT needs clang and zlib1g-dev, see scripts/install-test-deps.sh):\n{stdout}\n{stderr}");
        }
        Executable = Path.Combine(Directory, "vigie-agent");
    }

    public string Directory { get; }

    public string Executable { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
