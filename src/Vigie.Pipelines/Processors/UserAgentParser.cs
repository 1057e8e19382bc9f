using System.Text.RegularExpressions;

namespace Vigie.Pipelines.Processors;

/// <summary>What <see cref="UserAgentParser"/> finds in a User-Agent.</summary>
/// <param name="Browser">e.g. Chrome, Firefox, Safari, Edge, curl, Googlebot; Other when unknown.</param>
/// <param name="BrowserVersion">The major version, when found.</param>
/// <param name="Os">e.g. Windows, macOS, iOS, Android, Linux; Other when unknown.</param>
/// <param name="Device">desktop, mobile, tablet, bot or other.</param>
public sealed record UserAgentInfo(string Browser, string? BrowserVersion, string Os, string Device);

/// <summary>
/// A compact rules-based parser: ordered rules, first match wins, in the order that matters (Edge and
/// Opera announce Chrome, Chrome announces Safari, every bot announces a browser). Rules are in the
/// code, so nothing is downloaded at run time; it names the common browsers, not every one.
/// </summary>
public static partial class UserAgentParser
{
    private static readonly (string Name, Regex Rule)[] Browsers =
    [
        ("Googlebot", Bot("Googlebot")),
        ("Bingbot", Bot("bingbot")),
        ("YandexBot", Bot("YandexBot")),
        ("DuckDuckBot", Bot("DuckDuckBot")),
        ("Baiduspider", Bot("Baiduspider")),
        ("AhrefsBot", Bot("AhrefsBot")),
        ("curl", Bot("curl")),
        ("Wget", Bot("Wget")),
        ("Python Requests", Bot("python-requests")),
        ("Go HTTP client", Bot("Go-http-client")),
        ("Prometheus", Bot("Prometheus")),
        ("Edge", Bot("Edg(?:e|A|iOS)?")),
        ("Opera", Bot("(?:OPR|Opera)")),
        ("Samsung Internet", Bot("SamsungBrowser")),
        ("Vivaldi", Bot("Vivaldi")),
        ("Firefox", Bot("(?:Firefox|FxiOS)")),
        ("Chrome", Bot("(?:Chrome|CriOS)")),
        ("Safari", new Regex(@"Version/(?<v>\d+)[\d.]*.*Safari/", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
        ("Internet Explorer", new Regex(@"(?:MSIE (?<v>\d+)|Trident/.*rv:(?<v>\d+))", RegexOptions.Compiled | RegexOptions.CultureInvariant)),
    ];

    private static readonly (string Name, Regex Rule)[] Systems =
    [
        ("Windows", new Regex(@"Windows (?:NT|Phone)", RegexOptions.Compiled)),
        ("iOS", new Regex(@"\b(?:iPhone|iPad|iPod)\b|CPU (?:iPhone )?OS \d", RegexOptions.Compiled)),
        ("macOS", new Regex(@"Mac OS X|Macintosh", RegexOptions.Compiled)),
        ("Android", new Regex(@"Android", RegexOptions.Compiled)),
        ("Chrome OS", new Regex(@"CrOS", RegexOptions.Compiled)),
        ("Linux", new Regex(@"Linux|X11", RegexOptions.Compiled)),
    ];

    private static readonly Regex BotWords = new(@"bot\b|crawl|spider|slurp|curl/|wget/|python-requests|go-http-client|prometheus|monitor|http-client", RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Tablet = new(@"iPad|Tablet|Android(?!.*Mobile)", RegexOptions.Compiled);
    private static readonly Regex Mobile = new(@"Mobi|iPhone|iPod|Android.*Mobile|Windows Phone", RegexOptions.Compiled);

    public static UserAgentInfo Parse(string userAgent)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        var browser = "Other";
        string? version = null;
        foreach (var (name, rule) in Browsers)
        {
            var m = rule.Match(userAgent);
            if (m.Success)
            {
                browser = name;
                version = m.Groups["v"] is { Success: true } g ? g.Value : null;
                break;
            }
        }
        var os = "Other";
        foreach (var (name, rule) in Systems)
        {
            if (rule.IsMatch(userAgent))
            {
                os = name;
                break;
            }
        }
        var device = BotWords.IsMatch(userAgent) ? "bot"
            : Tablet.IsMatch(userAgent) && os is "iOS" or "Android" or "Windows" ? "tablet"
            : Mobile.IsMatch(userAgent) ? "mobile"
            : os is "Windows" or "macOS" or "Linux" or "Chrome OS" ? "desktop"
            : "other";
        return new UserAgentInfo(browser, version, os, device);
    }

    private static Regex Bot(string token) => new($@"\b{token}/(?<v>\d+)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
}
