using System.Text.RegularExpressions;

namespace Vigie.Pipelines.Grok;

/// <summary>
/// A regex that runs interpreted until it has been used <see cref="CompileAfter"/> times, then compiled:
/// the compiled form is built and warmed on the thread pool and swapped in once ready, so no event waits
/// for it. Most built-in expressions never see a line they could match on a given host (a host without
/// PostgreSQL never runs the PostgreSQL patterns), and a compiled regex holds memory for as long as the
/// server runs: its IL generator, its code and the type loader's data of its dynamic methods.
/// An interpreted and a compiled regex of one pattern and options answer alike and number their groups alike.
/// </summary>
internal sealed class PromotedRegex
{
    /// <summary>Uses after which a regex is worth compiling: a few milliseconds of compilation against microseconds saved per use.</summary>
    internal const int CompileAfter = 1_000;

    /// <summary>Long enough to pass any minimum-length check, so that the match code really runs (and is compiled).</summary>
    private static readonly string WarmUpInput = string.Concat(Enumerable.Repeat("0a.1:2 /x\"-[", 100));

    private readonly Regex _interpreted;
    private Regex? _compiled;
    private int _uses;

    public PromotedRegex(string pattern, RegexOptions options, TimeSpan matchTimeout)
    {
        _interpreted = new Regex(pattern, options & ~RegexOptions.Compiled, matchTimeout);
        // The interpreter's own code is compiled at its first match: pay it here, at load, rather
        // than in the first event's match timeout.
        WarmUp(_interpreted);
    }

    /// <summary>The regex to match with now; counts the use.</summary>
    public Regex Current
    {
        get
        {
            if (Volatile.Read(ref _compiled) is { } compiled)
            {
                return compiled;
            }
            if (Interlocked.Increment(ref _uses) == CompileAfter)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Compile(), this, preferLocal: false);
            }
            return _interpreted;
        }
    }

    /// <summary>The number of a named group, the same in both forms.</summary>
    public int GroupNumberFromName(string name) => _interpreted.GroupNumberFromName(name);

    /// <summary>Whether the compiled form is in use.</summary>
    internal bool IsCompiled => Volatile.Read(ref _compiled) is not null;

    private void Compile()
    {
        var compiled = new Regex(_interpreted.ToString(), _interpreted.Options | RegexOptions.Compiled, _interpreted.MatchTimeout);
        // The first match of a compiled regex pays for its JIT compilation, which on a busy machine
        // can exceed the match timeout: pay it here, before any event uses it.
        WarmUp(compiled);
        Volatile.Write(ref _compiled, compiled);
    }

    private static void WarmUp(Regex regex)
    {
        try
        {
            regex.IsMatch(WarmUpInput);
        }
        catch (RegexMatchTimeoutException)
        {
        }
    }
}
