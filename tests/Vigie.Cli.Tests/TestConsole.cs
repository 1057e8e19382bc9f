using System.Text;
using Vigie.Cli;

namespace Vigie.Cli.Tests;

/// <summary>A console whose output the test reads back.</summary>
internal sealed class TestConsole
{
    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public Dictionary<string, string> Environment { get; } = [];

    public byte[] Stdin { get; set; } = [];

    public CliConsole Build(bool terminal = false, int? width = null) => new()
    {
        Out = Out,
        Error = Error,
        OutIsTerminal = terminal,
        ErrorIsTerminal = terminal,
        Width = width,
        Environment = name => Environment.GetValueOrDefault(name),
        OpenStdin = () => new MemoryStream(Stdin),
    };

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
