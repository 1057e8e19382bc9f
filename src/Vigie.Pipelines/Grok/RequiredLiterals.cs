using System.Text;

namespace Vigie.Pipelines.Grok;

/// <summary>
/// Texts every match of a grok pattern contains: the runs of plain characters written at its top
/// level (<c>" for "</c>, <c>" from "</c>, <c>" port "</c> in
/// <c>%{WORD:method} for %{NOTSPACE:user} from %{IP:client_ip} port %{INT:port}</c>). A line that lacks
/// one cannot match, and is turned away by a vectorised search of its bytes instead of the regex: a
/// large grok regex costs about a microsecond even to fail on the first character, and pipelines try
/// several patterns in a row (sshd's six) on every line.
/// </summary>
/// <remarks>
/// Conservative: anything it does not read for sure (a top-level alternation, inline options, a
/// character class or an escape that is not plain punctuation) ends a run or gives no literal at all;
/// what is inside groups and <c>%{...}</c> references is skipped, and a character a quantifier may
/// leave out is dropped. A property test holds it to the regex: no line it turns away matches.
/// </remarks>
internal static class RequiredLiterals
{
    /// <summary>Shorter runs are not worth a search.</summary>
    private const int MinBytes = 3;

    /// <summary>The literals of <paramref name="pattern"/> (grok source, before expansion) as UTF-8; empty when none is sure.</summary>
    public static byte[][] Of(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        // Inline options may make letters match either case or spaces mean nothing.
        if (pattern.Contains("(?", StringComparison.Ordinal) && HasInlineOptions(pattern))
        {
            return [];
        }
        var runs = new List<string>();
        var run = new StringBuilder();
        void End()
        {
            if (Encoding.UTF8.GetByteCount(run.ToString()) >= MinBytes)
            {
                runs.Add(run.ToString());
            }
            run.Clear();
        }
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '|':
                    // An alternation at the top level: no text is required by every branch.
                    return [];
                case '(':
                    End();
                    i = SkipGroup(pattern, i);
                    if (i < 0)
                    {
                        return [];
                    }
                    i = SkipQuantifier(pattern, i);
                    continue;
                case '[':
                    End();
                    i = SkipClass(pattern, i);
                    if (i < 0)
                    {
                        return [];
                    }
                    i = SkipQuantifier(pattern, i);
                    continue;
                case '%' when i + 1 < pattern.Length && pattern[i + 1] == '{':
                    End();
                    var close = pattern.IndexOf('}', i + 2);
                    if (close < 0)
                    {
                        return [];
                    }
                    i = SkipQuantifier(pattern, close + 1);
                    continue;
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        return [];
                    }
                    var escaped = pattern[i + 1];
                    if (escaped < 128 && !char.IsAsciiLetterOrDigit(escaped) && !char.IsWhiteSpace(escaped))
                    {
                        // \[ \. \/ \" ...: the character itself.
                        i = Literal(pattern, i + 2, escaped, run, End);
                    }
                    else
                    {
                        // \d \s \b \x41 \1 ...: not read here.
                        End();
                        i = SkipQuantifier(pattern, i + 2);
                    }
                    continue;
                case '.' or '^' or '$':
                    End();
                    i = SkipQuantifier(pattern, i + 1);
                    continue;
                case '*' or '+' or '?' or '{' or ')':
                    // A quantifier with nothing this reads before it, or a stray parenthesis: give up rather than guess.
                    return [];
                default:
                    i = Literal(pattern, i + 1, c, run, End);
                    continue;
            }
        }
        End();
        return [.. runs.Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Whether every literal is in <paramref name="utf8"/>.</summary>
    public static bool AllIn(byte[][] literals, ReadOnlySpan<byte> utf8)
    {
        foreach (var literal in literals)
        {
            if (utf8.IndexOf(literal) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adds <paramref name="c"/> to the run unless a quantifier that may leave it out follows; returns where to go on.</summary>
    private static int Literal(string pattern, int next, char c, StringBuilder run, Action end)
    {
        if (char.IsSurrogate(c))
        {
            // Half a character: what follows would be half too.
            end();
            return SkipQuantifier(pattern, next);
        }
        if (next < pattern.Length && pattern[next] is '*' or '?' or '{' or '+')
        {
            if (pattern[next] == '+')
            {
                // At least once: the character is there, what follows may be another of it.
                run.Append(c);
            }
            end();
            return SkipQuantifier(pattern, next);
        }
        run.Append(c);
        return next;
    }

    private static int SkipQuantifier(string pattern, int i)
    {
        if (i >= pattern.Length)
        {
            return i;
        }
        if (pattern[i] is '*' or '+' or '?')
        {
            i++;
        }
        else if (pattern[i] == '{')
        {
            var close = pattern.IndexOf('}', i);
            if (close < 0)
            {
                // A '{' that opens no quantifier is a literal brace for .NET; the next run starts after it.
                return i + 1;
            }
            i = close + 1;
        }
        else
        {
            return i;
        }
        // Lazy form.
        return i < pattern.Length && pattern[i] == '?' ? i + 1 : i;
    }

    /// <summary>The index after the group opening at <paramref name="open"/>, or -1 when it does not close.</summary>
    private static int SkipGroup(string pattern, int open)
    {
        var depth = 0;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = SkipClass(pattern, i) - 1;
                    if (i < 0)
                    {
                        return -1;
                    }
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth == 0)
                    {
                        return i + 1;
                    }
                    break;
            }
        }
        return -1;
    }

    /// <summary>The index after the character class opening at <paramref name="open"/>, or -1 when it does not close.</summary>
    private static int SkipClass(string pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }
        // A ']' first is a literal in the class.
        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                // Not a POSIX class in .NET, but do not guess.
                return -1;
            }
            else if (pattern[i] == ']')
            {
                return i + 1;
            }
        }
        return -1;
    }

    private static bool HasInlineOptions(string pattern)
    {
        // An escaped "\\(?i)" counts too: giving up on a pattern is always safe.
        for (var i = pattern.IndexOf("(?", StringComparison.Ordinal); i >= 0; i = pattern.IndexOf("(?", i + 2, StringComparison.Ordinal))
        {
            var j = i + 2;
            while (j < pattern.Length && pattern[j] is 'i' or 'm' or 'n' or 's' or 'x' or '-')
            {
                j++;
            }
            if (j > i + 2 && j < pattern.Length && pattern[j] is ')' or ':')
            {
                return true;
            }
        }
        return false;
    }
}
