using System.ComponentModel;
using System.Diagnostics;

namespace Vigie.Testing;

/// <summary>Runs a real program to its end; a missing program is an error (it is installed by scripts/install-test-deps.sh).</summary>
public static class ProcessRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, TimeSpan? timeout = null, string? stdin = null)
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
                await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not end in time; output: {await stdout.ConfigureAwait(false)} {await stderr.ConfigureAwait(false)}");
            }
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }

    public static Task<(int Exit, string Out, string Err)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout) =>
        RunAsync(file, args, env: null, timeout);

    /// <summary>Runs and throws unless the exit code is 0.</summary>
    public static async Task<string> RunOkAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        var list = args.ToList();
        var (exit, output, error) = await RunAsync(file, list, env, timeout, stdin).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', list)} exited with {exit}: {output} {error}");
        }
        return output;
    }
}
