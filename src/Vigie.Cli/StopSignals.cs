using System.Runtime.InteropServices;

namespace Vigie.Cli;

/// <summary>
/// Ctrl+C or SIGTERM asks a long-running command to stop cleanly (its <see cref="Token"/> fires);
/// a second one falls through to the default handling and ends the process: the user insists.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private readonly TextWriter _messages;
    private readonly string _command;
    private int _signals;

    public StopSignals(string command, TextWriter messages, CancellationToken cancellationToken)
    {
        _command = command;
        _messages = messages;
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _stopping.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            return;
        }
        context.Cancel = true;
        _messages.WriteLine($"{_command}: stopping (Ctrl+C again to force)");
        _stopping.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stopping.Dispose();
    }
}
