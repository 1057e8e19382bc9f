using System.Text.RegularExpressions;

namespace Vigie.Agent.Docker;

/// <summary>
/// The id of the container the agent itself runs in, if it does: Docker mounts the container's
/// <c>hostname</c> file from <c>.../containers/&lt;id&gt;/hostname</c>. The agent does not follow itself
/// (its own log would grow with every line it reports about following).
/// </summary>
internal static partial class OwnContainer
{
    public static string? Detect()
    {
        try
        {
            var match = HostnameMount().Match(File.ReadAllText("/proc/self/mountinfo"));
            return match.Success ? match.Groups[1].Value : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex("/containers/([0-9a-f]{64})/hostname")]
    private static partial Regex HostnameMount();
}
