using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>user_agent</c>: adds <c>target.browser</c>, <c>browser_version</c>, <c>os</c>, <c>device</c> from a User-Agent header.</summary>
public sealed class UserAgentProcessor(string field, string target) : Processor
{
    public override string Type => "user_agent";

    public override string? Apply(PipelineEvent e)
    {
        if (e.GetText(field) is not { } text || text is "" or "-")
        {
            return null;
        }
        var ua = UserAgentParser.Parse(text);
        var prefix = target + ".";
        e.Set(prefix + "browser", FieldValue.Str(ua.Browser));
        if (ua.BrowserVersion is { } v)
        {
            e.Set(prefix + "browser_version", FieldValue.Str(v));
        }
        e.Set(prefix + "os", FieldValue.Str(ua.Os));
        e.Set(prefix + "device", FieldValue.Str(ua.Device));
        return null;
    }
}
