using Vigie.Cli;
using Vigie.Server.Observability;

// Before the host starts: glibc raises its thresholds at the first large block freed.
NativeHeapThresholds.Apply();

var console = CliConsole.FromProcess();
try
{
    return await CliApp.RunAsync(args, console, CancellationToken.None);
}
finally
{
    await console.Out.FlushAsync();
}
