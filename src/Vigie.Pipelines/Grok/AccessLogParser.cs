namespace Vigie.Pipelines.Grok;

/// <summary>
/// A hand-written matcher for <c>^%{COMBINEDAPACHELOG}</c>, <c>^%{COMMONAPACHELOG}$</c> and
/// <c>^%{TRAEFIKCLF}</c> (the combined format then Traefik's request count, router, backend and duration) that gives
/// exactly the regex's answer (match or not, and every capture) on ASCII lines, about ten times
/// faster and without allocating. Lines with other characters go to the regex, whose classes
/// (<c>\S</c>, <c>\w</c>, <c>\d</c>) are Unicode-aware.
/// </summary>
/// <remarks>
/// Where the regex backtracks, this does the same search in the same order: the request
/// (<c>WORD NOTSPACE( HTTP/NUMBER)?</c> with every shorter path, then <c>DATA</c>), and the lazy
/// referrer and user agent. The differential property test holds it to the regex.
/// </remarks>
public sealed class AccessLogParser
{
    /// <summary>The captures, in the order of the grok expression's (and of <see cref="GrokExpression.Captures"/>).</summary>
    public static readonly string[] CommonFields = ["client_ip", "ident", "user", "timestamp", "method", "path", "http_version", "raw_request", "status", "bytes"];

    public static readonly string[] CombinedFields = [.. CommonFields, "referrer", "user_agent"];

    public static readonly string[] TraefikFields = [.. CombinedFields, "request_count", "router", "backend_url", "duration_ms"];

    /// <summary>The most captures a parser fills (<see cref="TraefikFields"/>).</summary>
    public const int MaxCaptures = 16;

    private const int Status = 8;
    private const int Bytes = 9;
    private const int Referrer = 10;
    private const int UserAgent = 11;
    private const int RequestCount = 12;
    private const int Router = 13;
    private const int BackendUrl = 14;
    private const int Duration = 15;

    private readonly bool _combined;
    private readonly bool _traefik;

    private AccessLogParser(bool combined, bool traefik)
    {
        _combined = combined;
        _traefik = traefik;
    }

    /// <summary><c>^%{COMBINEDAPACHELOG}</c>: the end of the line after the user agent is not looked at.</summary>
    public static AccessLogParser Combined { get; } = new(combined: true, traefik: false);

    /// <summary><c>^%{COMMONAPACHELOG}$</c>.</summary>
    public static AccessLogParser Common { get; } = new(combined: false, traefik: false);

    /// <summary><c>^%{TRAEFIKCLF}</c>: the end of the line after the duration's <c>ms</c> is not looked at.</summary>
    public static AccessLogParser Traefik { get; } = new(combined: true, traefik: true);

    public int CaptureCount => _traefik ? TraefikFields.Length : _combined ? CombinedFields.Length : CommonFields.Length;

    /// <summary>
    /// Matches <paramref name="s"/>; <paramref name="groups"/> (<see cref="CaptureCount"/> long) receives each
    /// capture's start and length, start -1 for a group that did not take part. Null when the line holds a
    /// character beyond ASCII: the caller must ask the regex.
    /// </summary>
    public bool? TryMatch(ReadOnlySpan<char> s, Span<(int Start, int Length)> groups)
    {
        if (System.Text.Ascii.IsValid(s) is false)
        {
            return null;
        }
        return MatchAscii(s, groups);
    }

    /// <summary>As <see cref="TryMatch"/> on a line the caller already knows to be ASCII (it widened it with <see cref="System.Text.Ascii.ToUtf16"/>): not checked again.</summary>
    internal bool MatchAscii(ReadOnlySpan<char> s, Span<(int Start, int Length)> groups)
    {
        groups.Fill((-1, 0));
        var ends = TraefikEnds.None;
        if (_traefik)
        {
            ends = TraefikEnds.Of(s);
            if (ends.Referrer < 0)
            {
                return false;
            }
        }
        var p = 0;
        // client, ident, user: a run of non-space then one space (a shorter run would leave a non-space next).
        for (var g = 0; g < 3; g++)
        {
            var start = p;
            while (p < s.Length && !IsSpace(s[p]))
            {
                p++;
            }
            if (p == start || p >= s.Length || s[p] != ' ')
            {
                return false;
            }
            groups[g] = (start, p - start);
            p++;
        }
        if (p >= s.Length || s[p] != '[')
        {
            return false;
        }
        p++;
        var close = s[p..].IndexOf(']');
        if (close < 0 || !IsHttpDate(s.Slice(p, close)))
        {
            return false;
        }
        groups[3] = (p, close);
        p += close + 1;
        if (p + 1 >= s.Length || s[p] != ' ' || s[p + 1] != '"')
        {
            return false;
        }
        var request = p + 2;

        // The request, first alternative: WORD ' ' NOTSPACE, with " HTTP/NUMBER" tried first.
        var m = request;
        while (m < s.Length && IsWord(s[m]))
        {
            m++;
        }
        if (m > request && m < s.Length && s[m] == ' ')
        {
            var p0 = m + 1;
            var pe = p0;
            while (pe < s.Length && !IsSpace(s[pe]))
            {
                pe++;
            }
            if (pe > p0)
            {
                groups[4] = (request, m - request);
                if (s[pe..].StartsWith(" HTTP/", StringComparison.Ordinal))
                {
                    var v0 = pe + 6;
                    var v = NumberLength(s, v0);
                    if (v > 0 && v0 + v < s.Length && s[v0 + v] == '"' && Tail(s, v0 + v + 1, groups, ends))
                    {
                        groups[5] = (p0, pe - p0);
                        groups[6] = (v0, v);
                        return true;
                    }
                }
                // Shorter paths (the regex gives back characters of \S+): only a quote can end the request there.
                for (var e = pe - 1; e > p0; e--)
                {
                    if (s[e] == '"' && Tail(s, e + 1, groups, ends))
                    {
                        groups[5] = (p0, e - p0);
                        return true;
                    }
                }
                groups[4] = (-1, 0);
            }
        }
        // Second alternative: DATA, the shortest request the rest of the line accepts.
        for (var q = request; q < s.Length && s[q] != '\n'; q++)
        {
            if (s[q] == '"' && Tail(s, q + 1, groups, ends))
            {
                groups[7] = (request, q - request);
                return true;
            }
        }
        return false;
    }

    /// <summary>After the request's closing quote: <c> INT (?:INT|-)</c>, then <c>$</c> or the quoted referrer and agent.</summary>
    private bool Tail(ReadOnlySpan<char> s, int p, Span<(int Start, int Length)> groups, in TraefikEnds ends)
    {
        if (p >= s.Length || s[p] != ' ')
        {
            return false;
        }
        p++;
        var status = IntLength(s, p);
        if (status == 0 || p + status >= s.Length || s[p + status] != ' ')
        {
            return false;
        }
        var statusAt = p;
        p += status + 1;
        var bytes = IntLength(s, p);
        if (bytes > 0 && Rest(s, p + bytes, groups, ends))
        {
            groups[Status] = (statusAt, status);
            groups[Bytes] = (p, bytes);
            return true;
        }
        if (p < s.Length && s[p] == '-' && Rest(s, p + 1, groups, ends))
        {
            groups[Status] = (statusAt, status);
            groups[Bytes] = (-1, 0);
            return true;
        }
        return false;
    }

    private bool Rest(ReadOnlySpan<char> s, int p, Span<(int Start, int Length)> groups, in TraefikEnds ends)
    {
        if (!_combined)
        {
            // $: the end, or a final newline.
            return p == s.Length || (p == s.Length - 1 && s[p] == '\n');
        }
        if (p + 1 >= s.Length || s[p] != ' ' || s[p + 1] != '"')
        {
            return false;
        }
        var r0 = p + 2;
        if (_traefik)
        {
            return TraefikRest(s, r0, groups, ends);
        }
        for (var q = r0; q < s.Length && s[q] != '\n'; q++)
        {
            if (s[q] != '"' || q + 2 >= s.Length || s[q + 1] != ' ' || s[q + 2] != '"')
            {
                continue;
            }
            var u0 = q + 3;
            for (var u = u0; u < s.Length && s[u] != '\n'; u++)
            {
                if (s[u] == '"')
                {
                    groups[Referrer] = (r0, q - r0);
                    groups[UserAgent] = (u0, u - u0);
                    return true;
                }
            }
            // No closing quote for the agent: the regex would try longer referrers, which cannot find one either.
        }
        return false;
    }

    /// <summary>
    /// Where, at the latest, each quoted part after the agent can end on this line for the rest of a
    /// <c>TRAEFIKCLF</c> line to match (-1: nowhere). Whether the rest matches after a given quote does not
    /// depend on how the line got there, so these are found once per line, from the right; then each try
    /// of the request (the regex backtracks into it) costs a comparison rather than a search of the line.
    /// </summary>
    private readonly record struct TraefikEnds(int Referrer, int Agent, int Router, int Backend)
    {
        public static readonly TraefikEnds None = new(-1, -1, -1, -1);

        public static TraefikEnds Of(ReadOnlySpan<char> s)
        {
            // DATA stops at a line break, and so does every part before: the match lies on the first line.
            var end = s.IndexOf('\n');
            s = end < 0 ? s : s[..end];
            var backend = -1;
            for (var b = s.LastIndexOf('"'); b >= 0; b = b == 0 ? -1 : s[..b].LastIndexOf('"'))
            {
                if (IsDurationAt(s, b))
                {
                    backend = b;
                    break;
                }
            }
            if (backend < 0)
            {
                return None;
            }
            var router = LastQuoteSpaceQuote(s, backend - 3);
            if (router < 0)
            {
                return None;
            }
            var agent = -1;
            for (var u = s[..Math.Min(s.Length, router)].LastIndexOf('"'); u >= 0; u = u == 0 ? -1 : s[..u].LastIndexOf('"'))
            {
                if (CountAt(s, u) is > 0 and var routerStart && routerStart <= router)
                {
                    agent = u;
                    break;
                }
            }
            if (agent < 0)
            {
                return None;
            }
            var referrer = LastQuoteSpaceQuote(s, agent - 3);
            return referrer < 0 ? None : new TraefikEnds(referrer, agent, router, backend);
        }
    }

    /// <summary>
    /// From the referrer's first character: <c>DATA:referrer" "DATA:user_agent" INT:request_count "DATA:router" "DATA:backend_url" INT:duration_msms</c>.
    /// </summary>
    /// <remarks>
    /// The regex tries the shortest referrer, then the shortest agent, router and backend that let the rest
    /// match. With <paramref name="ends"/> known, the first choice of each part from the left that can
    /// reach them is that answer, found in one pass rather than four nested searches.
    /// </remarks>
    private static bool TraefikRest(ReadOnlySpan<char> s, int r0, Span<(int Start, int Length)> groups, in TraefikEnds ends)
    {
        if (r0 > ends.Referrer)
        {
            return false;
        }
        var q = FirstQuoteSpaceQuote(s, r0, ends.Referrer);
        var u0 = q + 3;
        var agent = u0;
        int rs;
        while ((rs = CountAt(s, agent)) <= 0 || rs > ends.Router)
        {
            agent = s[(agent + 1)..].IndexOf('"') + agent + 1;
        }
        var router = FirstQuoteSpaceQuote(s, rs, ends.Router);
        var b0 = router + 3;
        var backend = b0;
        while (!IsDurationAt(s, backend))
        {
            backend = s[(backend + 1)..].IndexOf('"') + backend + 1;
        }
        var count0 = agent + 2;
        var duration0 = backend + 2;
        groups[Referrer] = (r0, q - r0);
        groups[UserAgent] = (u0, agent - u0);
        groups[RequestCount] = (count0, IntLength(s, count0));
        groups[Router] = (rs, router - rs);
        groups[BackendUrl] = (b0, backend - b0);
        groups[Duration] = (duration0, IntLength(s, duration0));
        return true;
    }

    /// <summary>At <paramref name="b"/>: <c>" INT ms</c>.</summary>
    private static bool IsDurationAt(ReadOnlySpan<char> s, int b)
    {
        if (b < 0 || b + 1 >= s.Length || s[b] != '"' || s[b + 1] != ' ')
        {
            return false;
        }
        var n = IntLength(s, b + 2);
        var m = b + 2 + n;
        return n > 0 && m + 1 < s.Length && s[m] == 'm' && s[m + 1] == 's';
    }

    /// <summary>At <paramref name="u"/>: <c>" INT "</c>; where the router starts after it, else 0.</summary>
    private static int CountAt(ReadOnlySpan<char> s, int u)
    {
        if (u < 0 || u + 1 >= s.Length || s[u] != '"' || s[u + 1] != ' ')
        {
            return 0;
        }
        var n = IntLength(s, u + 2);
        var m = u + 2 + n;
        return n > 0 && m + 1 < s.Length && s[m] == ' ' && s[m + 1] == '"' ? m + 2 : 0;
    }

    /// <summary>The first <c>" "</c> starting in [<paramref name="from"/>, <paramref name="to"/>], or -1.</summary>
    private static int FirstQuoteSpaceQuote(ReadOnlySpan<char> s, int from, int to)
    {
        for (var i = from; i <= to && i + 2 < s.Length; i++)
        {
            if (s[i] == '"' && s[i + 1] == ' ' && s[i + 2] == '"')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The last <c>" "</c> starting at or before <paramref name="to"/>, or -1.</summary>
    private static int LastQuoteSpaceQuote(ReadOnlySpan<char> s, int to)
    {
        for (var i = Math.Min(to, s.Length - 3); i >= 0; i--)
        {
            if (s[i] == '"' && s[i + 1] == ' ' && s[i + 2] == '"')
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary><c>\s</c> of .NET regexes, on ASCII.</summary>
    /// <summary><c>\s</c> on ASCII: one range test and a bit mask rather than six comparisons, in the scanning loops' every character.</summary>
    private static bool IsSpace(char c) => c <= ' ' && ((1UL << c) & SpaceMask) != 0;

    private const ulong SpaceMask = (1UL << ' ') | (1UL << '\t') | (1UL << '\n') | (1UL << '\v') | (1UL << '\f') | (1UL << '\r');

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary><c>[+-]?[0-9]+</c>, greedy: its length at <paramref name="p"/>, 0 when none.</summary>
    private static int IntLength(ReadOnlySpan<char> s, int p)
    {
        var i = SkipSign(s, p);
        var end = SkipDigits(s, i);
        return end == i ? 0 : end - p;
    }

    /// <summary>BASE10NUM, an atomic group: <c>[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)</c>; its length, 0 when none.</summary>
    private static int NumberLength(ReadOnlySpan<char> s, int p)
    {
        var digits = SkipSign(s, p);
        var i = SkipDigits(s, digits);
        var hasFraction = i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]);
        if (hasFraction)
        {
            i = SkipDigits(s, i + 1);
        }
        return i > digits ? i - p : 0;
    }

    private static int SkipSign(ReadOnlySpan<char> s, int i) => i < s.Length && s[i] is '+' or '-' ? i + 1 : i;

    private static int SkipDigits(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        return i;
    }

    private static readonly string[] MonthStems = ["an", "eb", "ar", "pr", "ay", "un", "ul", "ug", "ep", "ct", "ov", "ec"];
    private static readonly string[] MonthInitials = ["Jj", "Ff", "Mm", "Aa", "Mm", "Jj", "Jj", "Aa", "Ss", "Oo", "Nn", "Dd"];
    private static readonly string[] MonthTails = ["uary", "ruary", "ch", "il", "", "e", "y", "ust", "tember", "ober", "ember", "ember"];

    /// <summary>The whole of <paramref name="s"/> is in the language of HTTPDATE: <c>MONTHDAY/MONTH/YEAR:TIME INT</c>.</summary>
    internal static bool IsHttpDate(ReadOnlySpan<char> s)
    {
        // MONTHDAY: 0[1-9] | [12][0-9] | 3[01] | [1-9]
        var p = 0;
        var d = DigitRun(s, p, 2);
        if (d == 2)
        {
            if (!(s[0] == '0' ? s[1] != '0' : s[0] is '1' or '2' || (s[0] == '3' && s[1] is '0' or '1')))
            {
                return false;
            }
        }
        else if (d != 1 || s[0] == '0')
        {
            return false;
        }
        p = d;
        if (p >= s.Length || s[p] != '/')
        {
            return false;
        }
        p++;
        var monthEnd = s[p..].IndexOf('/');
        if (monthEnd < 0 || !IsMonth(s.Slice(p, monthEnd)))
        {
            return false;
        }
        p += monthEnd + 1;
        // YEAR: (?>\d\d){1,2}, then ':'.
        var y = DigitRun(s, p, 5);
        if (y is not (2 or 4) || p + y >= s.Length || s[p + y] != ':')
        {
            return false;
        }
        p += y + 1;
        // HOUR: 2[0-3] | [01]?[0-9]
        var h = DigitRun(s, p, 3);
        if (h == 2)
        {
            if (!(s[p] is '0' or '1' || (s[p] == '2' && s[p + 1] is >= '0' and <= '3')))
            {
                return false;
            }
        }
        else if (h != 1)
        {
            return false;
        }
        p += h;
        // :MINUTE
        if (p + 2 >= s.Length || s[p] != ':' || s[p + 1] is < '0' or > '5' || !char.IsAsciiDigit(s[p + 2]))
        {
            return false;
        }
        p += 3;
        // :SECOND = (?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?, not followed by a digit.
        if (p >= s.Length || s[p] != ':')
        {
            return false;
        }
        p++;
        var sec = DigitRun(s, p, 3);
        if (sec == 2)
        {
            if (!(s[p] is >= '0' and <= '5' || (s[p] == '6' && s[p + 1] == '0')))
            {
                return false;
            }
        }
        else if (sec != 1)
        {
            return false;
        }
        p += sec;
        if (p < s.Length && s[p] is ':' or '.' or ',')
        {
            var f = DigitRun(s, p + 1, int.MaxValue);
            if (f == 0)
            {
                return false;
            }
            p += 1 + f;
        }
        // ' ' INT, to the end.
        if (p >= s.Length || s[p] != ' ')
        {
            return false;
        }
        p++;
        var z = IntLength(s, p);
        return z > 0 && p + z == s.Length;
    }

    private static bool IsMonth(ReadOnlySpan<char> s)
    {
        if (s.Length < 3)
        {
            return false;
        }
        for (var m = 0; m < 12; m++)
        {
            if (MonthInitials[m].Contains(s[0]) && s.Slice(1, 2).SequenceEqual(MonthStems[m]) && (s.Length == 3 || s[3..].SequenceEqual(MonthTails[m])) && (s.Length == 3 || MonthTails[m].Length > 0))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>How many ASCII digits start at <paramref name="p"/>, counting at most <paramref name="max"/>.</summary>
    private static int DigitRun(ReadOnlySpan<char> s, int p, int max)
    {
        var n = 0;
        while (p + n < s.Length && n < max && char.IsAsciiDigit(s[p + n]))
        {
            n++;
        }
        return n;
    }
}
