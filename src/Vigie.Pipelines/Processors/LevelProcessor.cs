using System.Globalization;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// <c>level</c>: reads the severity from the first present field of <c>fields</c> and writes one of
/// trace, debug, info, notice, warning, error, critical, alert, emergency into <c>target</c> (a word it
/// does not know is kept, lower-cased). Knows
/// the words of common loggers and numbers: syslog severities 0-7, and pino/bunyan levels 10-60.
/// </summary>
public sealed class LevelProcessor(IReadOnlyList<string> fields, string target) : Processor, ISpanProcessor
{
    public override string Type => "level";

    public override IReadOnlyCollection<string>? Writes => [target];

    public override string? Apply(PipelineEvent e)
    {
        foreach (var f in fields)
        {
            if (e.GetText(f) is not { } text)
            {
                continue;
            }
            // A word no logger list knows is kept, lower-cased: losing it would be worse than not mapping it.
            e.Set(target, FieldValue.Str(Normalise(text) ?? text.Trim().ToLowerInvariant()));
            return null;
        }
        return null;
    }

    public static string? Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Map(text.Trim().ToLowerInvariant());
    }

    /// <summary>The severity of a trimmed, lower-cased word, or null when no logger list knows it.</summary>
    private static string? Map(ReadOnlySpan<char> t)
    {
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n switch
            {
                0 => "emergency",
                1 => "alert",
                2 => "critical",
                3 => "error",
                4 => "warning",
                5 => "notice",
                6 => "info",
                7 => "debug",
                10 => "trace",
                20 => "debug",
                30 => "info",
                40 => "warning",
                50 => "error",
                60 => "critical",
                _ => null,
            };
        }
        return t switch
        {
            "trace" or "trc" or "verbose" or "vrb" or "finest" or "finer" => "trace",
            "debug" or "dbg" or "d" or "fine" or "debug1" or "debug2" or "debug3" or "debug4" or "debug5" => "debug",
            "info" or "inf" or "i" or "information" or "informational" or "log" or "config" => "info",
            "notice" or "note" or "ntc" => "notice",
            "warn" or "warning" or "wrn" or "w" => "warning",
            "error" or "err" or "eror" or "e" or "severe" or "fail" or "failure" => "error",
            "critical" or "crit" or "crt" or "fatal" or "ftl" or "f" or "panic" or "c" => "critical",
            "alert" => "alert",
            _ when t.StartsWith("trace", StringComparison.Ordinal) => "trace",
            _ when t.StartsWith("debug", StringComparison.Ordinal) => "debug",
            "emergency" or "emerg" => "emergency",
            _ => null,
        };
    }

    /// <summary>
    /// <see cref="Normalise"/> on the UTF-8 bytes of a short ASCII value, without a string: widened, trimmed
    /// and lower-cased on the stack (for ASCII, what <c>Trim().ToLowerInvariant()</c> does). The severity, or
    /// the word itself (trimmed, lower-cased) in <paramref name="word"/>; false for a value this cannot do.
    /// </summary>
    private static bool TryNormaliseAscii(ReadOnlySpan<byte> value, Span<char> buffer, out string? level, out ReadOnlySpan<char> word)
    {
        level = null;
        word = default;
        if (value.Length > buffer.Length || !System.Text.Ascii.IsValid(value))
        {
            return false;
        }
        var chars = buffer[..value.Length];
        System.Text.Ascii.ToLower(value, chars, out _);
        word = ((ReadOnlySpan<char>)chars).Trim();
        level = Map(word);
        return true;
    }

    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        for (var k = 0; k < fields.Count; k++)
        {
            var f = fields[k];
            var i = f is FieldNames.Time or FieldNames.Stream ? -2 : e.IndexOf(f);
            if (i == -1)
            {
                continue;
            }
            Span<char> buffer = stackalloc char[32];
            if (i >= 0 && TryNormaliseAscii(e.Value(i), buffer, out var level, out var word))
            {
                if (level is null)
                {
                    // The word itself, lower-cased: ASCII, one byte per character.
                    var bytes = e.Reserve(word.Length);
                    System.Text.Encoding.ASCII.GetBytes(word, bytes);
                    e.CommitValue(target, ValueKind.String, word.Length);
                }
                else
                {
                    e.Set(target, FieldValue.Str(level));
                }
                return true;
            }
            if (e.GetText(f) is not { } text)
            {
                continue;
            }
            e.Set(target, FieldValue.Str(Normalise(text) ?? text.Trim().ToLowerInvariant()));
            return true;
        }
        return true;
    }
}
