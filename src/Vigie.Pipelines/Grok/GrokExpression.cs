using System.Text;
using System.Text.RegularExpressions;

namespace Vigie.Pipelines.Grok;

/// <summary>
/// A grok expression compiled to one .NET regex. <c>%{NAME:field:type}</c> becomes a numbered named
/// group (field names may hold dots, which .NET group names cannot), other groups do not capture.
/// </summary>
/// <remarks>
/// A backtracking regex rather than NonBacktracking: the usual patterns rely on lookarounds and
/// atomic groups that NonBacktracking refuses. A match timeout bounds the cost of a pathological line
/// instead; a timed-out line fails the processor and is kept as it came. Interpreted at first and
/// compiled once it has been used a thousand times (see <see cref="PromotedRegex"/>).
/// </remarks>
public sealed class GrokExpression
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private const int MaxDepth = 64;

    private readonly PromotedRegex _regex;

    private GrokExpression(string source, PromotedRegex regex, IReadOnlyList<GrokCapture> captures, AccessLogParser? accessLog, MatchStart? start)
    {
        Literals = RequiredLiterals.Of(source);
        Start = start;
        Source = source;
        _regex = regex;
        Captures = captures;
        AccessLog = accessLog;
    }

    /// <summary>
    /// The hand-written matcher that stands in for <see cref="Regex"/> on ASCII lines, when the expression
    /// is exactly <c>^%{COMBINEDAPACHELOG}</c> or <c>^%{COMMONAPACHELOG}$</c> of the default library.
    /// </summary>
    public AccessLogParser? AccessLog { get; }

    public string Source { get; }

    /// <summary>UTF-8 texts every match contains (see <see cref="Grok.RequiredLiterals"/>): a value without one of them cannot match.</summary>
    internal byte[][] Literals { get; }

    /// <summary>The first two characters a match can begin with (see <see cref="Grok.MatchStart"/>); null when not known.</summary>
    internal MatchStart? Start { get; }

    /// <summary>The regex to match with (interpreted for its first uses, then compiled).</summary>
    public Regex Regex => _regex.Current;

    /// <summary>Whether <see cref="Regex"/> has been compiled yet.</summary>
    internal bool IsCompiled => _regex.IsCompiled;

    public IReadOnlyList<GrokCapture> Captures { get; }

    /// <summary>Compiles <paramref name="pattern"/> against the default library plus <paramref name="userPatterns"/> (which win).</summary>
    /// <exception cref="GrokException">Unknown name, cycle, bad type or invalid regex.</exception>
    public static GrokExpression Compile(string pattern, IReadOnlyDictionary<string, string>? userPatterns = null, bool anchored = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var captures = new List<GrokCapture>();
        var sb = new StringBuilder();
        if (anchored)
        {
            sb.Append('^');
        }
        Expand(pattern, userPatterns, sb, captures, [], 0);
        if (anchored)
        {
            sb.Append('$');
        }
        PromotedRegex promoted;
        try
        {
            promoted = new PromotedRegex(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new GrokException($"invalid regex in grok pattern '{pattern}': {e.Message}");
        }
        var numbered = captures.Select(c => c with { Group = promoted.GroupNumberFromName("g" + c.Group) }).ToList();
        var start = MatchStart.For(sb.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
        return new GrokExpression(pattern, promoted, numbered, anchored ? null : AccessLogFor(pattern, sb.ToString(), numbered), start);
    }

    /// <summary>The access-log matcher when the expression is one it reproduces: same source, and no user pattern changed what it expands to.</summary>
    private static AccessLogParser? AccessLogFor(string pattern, string expanded, List<GrokCapture> captures)
    {
        var (parser, fields) = pattern switch
        {
            "^%{COMBINEDAPACHELOG}" => (AccessLogParser.Combined, AccessLogParser.CombinedFields),
            "^%{COMMONAPACHELOG}$" => (AccessLogParser.Common, AccessLogParser.CommonFields),
            "^%{TRAEFIKCLF}" => (AccessLogParser.Traefik, AccessLogParser.TraefikFields),
            _ => (null, []),
        };
        if (parser is null)
        {
            return null;
        }
        var library = new StringBuilder();
        Expand(pattern, null, library, [], [], 0);
        if (library.ToString() != expanded || !captures.Select(c => c.Field).SequenceEqual(fields))
        {
            return null;
        }
        return parser;
    }

    private static void Expand(string pattern, IReadOnlyDictionary<string, string>? user, StringBuilder sb, List<GrokCapture> captures, List<string> stack, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new GrokException($"grok patterns nest deeper than {MaxDepth}: {string.Join(" -> ", stack)}");
        }
        var i = 0;
        while (i < pattern.Length)
        {
            var start = pattern.IndexOf("%{", i, StringComparison.Ordinal);
            if (start < 0)
            {
                sb.Append(pattern, i, pattern.Length - i);
                return;
            }
            sb.Append(pattern, i, start - i);
            var end = pattern.IndexOf('}', start + 2);
            if (end < 0)
            {
                throw new GrokException($"unclosed '%{{' at offset {start} in grok pattern '{pattern}'");
            }
            var parts = pattern[(start + 2)..end].Split(':');
            if (parts.Length > 3 || parts[0].Length == 0)
            {
                throw new GrokException($"invalid reference '%{{{pattern[(start + 2)..end]}}}': expected %{{NAME}}, %{{NAME:field}} or %{{NAME:field:type}}");
            }
            var name = parts[0];
            string? body = null;
            if (user is not null && user.TryGetValue(name, out var u))
            {
                body = u;
            }
            else if (GrokPatterns.Default.TryGetValue(name, out var d))
            {
                body = d;
            }
            if (body is null)
            {
                throw new GrokException($"unknown grok pattern '{name}'");
            }
            if (stack.Contains(name))
            {
                throw new GrokException($"grok pattern '{name}' refers to itself: {string.Join(" -> ", stack)} -> {name}");
            }
            var field = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null;
            var type = GrokType.String;
            if (parts.Length == 3 && !GrokTypes.TryParse(parts[2], out type))
            {
                throw new GrokException($"unknown type '{parts[2]}' in '%{{{pattern[(start + 2)..end]}}}': expected int, float, bool or string");
            }
            if (field is not null)
            {
                var id = captures.Count;
                captures.Add(new GrokCapture(id, field, type));
                sb.Append("(?<g").Append(id).Append('>');
            }
            else
            {
                sb.Append("(?:");
            }
            stack.Add(name);
            Expand(body, user, sb, captures, stack, depth + 1);
            stack.RemoveAt(stack.Count - 1);
            sb.Append(')');
            i = end + 1;
        }
    }
}
