using Vigie.Cli;

var console = CliConsole.FromProcess();
try
{
    return await CliApp.RunAsync(args, console, CancellationToken.None);
}
finally
{
    await console.Out.FlushAsync();
}
