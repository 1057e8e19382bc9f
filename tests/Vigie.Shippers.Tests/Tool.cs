using System.ComponentModel;
using System.Diagnostics;

namespace Vigie.Shippers.Tests;

/// <summary>Runs a real program to its end; a missing program fails the test (it is installed by scripts/install-test-deps.sh).</summary>
public static class Tool
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string file, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{file} is not installed (run scripts/install-test-deps.sh as root): {e.Message}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
                process.StandardInput.Close();
            }
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not end in time; output: {await stdout} {await stderr}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>Runs and asserts exit code 0.</summary>
    public static async Task<string> RunOkAsync(string file, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var (exit, output, error) = await RunAsync(file, args, stdin, env, timeout);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited with {exit}: {output} {error}");
        return output;
    }
}
