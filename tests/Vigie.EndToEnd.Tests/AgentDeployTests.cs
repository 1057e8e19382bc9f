namespace Vigie.EndToEnd.Tests;

/// <summary>
/// The files of deploy/agent that no test runs whole: the image built from sources (it needs Microsoft's
/// images) must be the image the image test builds from a published executable, and the systemd unit
/// must be one systemd accepts.
/// </summary>
public sealed class AgentDeployTests : IDisposable
{
    private readonly string _deploy = Path.Combine(CliBuild.FindRepoRoot(), "deploy", "agent");
    private readonly string _work = Directory.CreateTempSubdirectory("vigie-e2e-agent-deploy-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Dockerfiles_FromSourcesAndPrebuilt_HaveTheSameRuntimeStage()
    {
        var sources = File.ReadAllLines(Path.Combine(_deploy, "Dockerfile"));
        var prebuilt = File.ReadAllLines(Path.Combine(_deploy, "Dockerfile.prebuilt"));

        Assert.Equal(BaseArgument(sources), BaseArgument(prebuilt));
        Assert.Equal(RuntimeStage(sources).Where(l => !IsCopy(l)), RuntimeStage(prebuilt).Where(l => !IsCopy(l)));
        // One executable, at the same place: only where it comes from differs.
        Assert.Equal(
            RuntimeStage(sources).Where(IsCopy).Select(l => l.Split(' ')[^1]).Single(),
            RuntimeStage(prebuilt).Where(IsCopy).Select(l => l.Split(' ')[^1]).Single());
    }

    [Fact]
    public async Task SystemdUnit_PassesSystemdAnalyzeVerify_WithoutAWarning()
    {
        // The unit starts /opt/vigie/vigie-agent, where docs/agent.md publishes it; verify checks that the
        // command exists and is executable, so it runs on a copy that starts an executable of the test's.
        const string execStart = "ExecStart=/opt/vigie/vigie-agent";
        var unit = await File.ReadAllTextAsync(Path.Combine(_deploy, "vigie-agent.service"));
        Assert.Contains(execStart + "\n", unit, StringComparison.Ordinal);
        var executable = Path.Combine(_work, "vigie-agent");
        File.Copy("/bin/true", executable);
        var copy = Path.Combine(_work, "vigie-agent.service");
        await File.WriteAllTextAsync(copy, unit.Replace(execStart + "\n", $"ExecStart={executable}\n", StringComparison.Ordinal));

        var (code, stdout, stderr) = await ProcessRunner.RunAsync("systemd-analyze", ["verify", "--man=no", copy], TimeSpan.FromSeconds(30));
        // systemd ignores an unknown key or a value it cannot parse with a warning and exits with 0 all the same.
        Assert.True(code == 0 && stderr.Length == 0 && stdout.Length == 0, $"systemd-analyze verify exited with {code}:\n{stdout}{stderr}");
    }

    private static string BaseArgument(string[] dockerfile) => dockerfile.Single(l => l.StartsWith("ARG RUNTIME_BASE=", StringComparison.Ordinal));

    /// <summary>From the line that marks it to the end of the file.</summary>
    private static string[] RuntimeStage(string[] dockerfile)
    {
        var start = Array.IndexOf(dockerfile, "# runtime stage");
        Assert.True(start >= 0, "no '# runtime stage' line");
        return dockerfile[start..];
    }

    private static bool IsCopy(string line) => line.StartsWith("COPY ", StringComparison.Ordinal);
}
