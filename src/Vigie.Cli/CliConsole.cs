using System.Text;

namespace Vigie.Cli;

/// <summary>What a command may touch of its environment, so that tests can stand in for the real one.</summary>
public sealed class CliConsole
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public bool OutIsTerminal { get; init; }

    public bool ErrorIsTerminal { get; init; }

    /// <summary>Columns of the terminal stdout goes to; null when it is not a terminal.</summary>
    public int? Width { get; init; }

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public Func<Stream> OpenStdin { get; init; } = Console.OpenStandardInput;

    public static CliConsole FromProcess()
    {
        var outIsTerminal = !Console.IsOutputRedirected;
        int? width = null;
        if (outIsTerminal)
        {
            try
            {
                width = Console.WindowWidth > 0 ? Console.WindowWidth : null;
            }
            catch (IOException)
            {
                width = null;
            }
        }
        // Buffered: query results can be millions of lines; Program flushes it on the way out.
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        return new CliConsole
        {
            Out = stdout,
            Error = Console.Error,
            OutIsTerminal = outIsTerminal,
            ErrorIsTerminal = !Console.IsErrorRedirected,
            Width = width,
        };
    }
}
