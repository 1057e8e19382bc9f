using System.Reflection;
using System.Runtime.InteropServices;
using Vigie.Cli.Arguments;

namespace Vigie.Cli.Commands;

/// <summary><c>vigie version</c>.</summary>
public static class VersionCommand
{
    public static readonly CommandSpec Spec = new("version", """
        usage: vigie version

        Prints the version of vigie and of the .NET runtime it runs on.

        """, [], [], 0);

    public static int Run(CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.Out.WriteLine($"vigie {Version}");
        console.Out.WriteLine($"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
        return CliApp.Ok;
    }

    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
