using System.Text;
using Vigie.Core;
using Vigie.Pipelines.Grok;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary><c>grok</c>: the first pattern that matches the field fills fields from its named captures.</summary>
public sealed class GrokProcessor(string field, IReadOnlyList<GrokExpression> patterns, bool ignoreMissing) : Processor, ISpanProcessor
{
    public override string Type => "grok";

    public override IReadOnlyCollection<string>? Writes => [.. patterns.SelectMany(p => p.Captures).Select(c => c.Field).Distinct(StringComparer.Ordinal)];

    /// <summary>The expressions, tried in order.</summary>
    public IReadOnlyList<GrokExpression> Patterns => patterns;

    public override string? Apply(PipelineEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var text = e.GetText(field);
        if (text is null)
        {
            return ignoreMissing ? null : $"field '{field}' is missing";
        }
        Span<(int Start, int Length)> groups = stackalloc (int, int)[AccessLogParser.MaxCaptures];
        foreach (var expression in patterns)
        {
            if (expression.AccessLog is { } parser && parser.TryMatch(text, groups) is { } matched)
            {
                if (!matched)
                {
                    continue;
                }
                for (var k = 0; k < expression.Captures.Count; k++)
                {
                    var (start, length) = groups[k];
                    if (start >= 0 && Set(e, expression.Captures[k], text.Substring(start, length)) is { } error)
                    {
                        return error;
                    }
                }
                return null;
            }
            var match = expression.Regex.Match(text);
            if (!match.Success)
            {
                continue;
            }
            foreach (var capture in expression.Captures)
            {
                var group = match.Groups[capture.Group];
                if (group.Success && Set(e, capture, group.Value) is { } error)
                {
                    return error;
                }
            }
            return null;
        }
        return patterns.Count == 1 ? $"'{field}' does not match {patterns[0].Source}" : $"'{field}' matches none of the {patterns.Count} patterns";
    }

    private static string? Set(PipelineEvent e, GrokCapture capture, string value)
    {
        if (capture.Type == GrokType.String)
        {
            e.Set(capture.Field, FieldValue.Str(value));
            return null;
        }
        if (GrokTypes.TryConvert(value, capture.Type, out var converted))
        {
            e.Set(capture.Field, converted);
            return null;
        }
        return $"'{capture.Field}': '{value}' is not {capture.Type.ToString().ToLowerInvariant()}";
    }

    /// <summary>
    /// The fast form: access-log expressions fill fields with slices of the line's bytes, other
    /// expressions run their regex on the decoded line. A failure goes to <see cref="Apply"/>.
    /// </summary>
    bool ISpanProcessor.TryApply(SpanEvent e)
    {
        if (field is FieldNames.Time or FieldNames.Stream)
        {
            return false;
        }
        var index = e.IndexOf(field);
        if (index < 0)
        {
            return ignoreMissing;
        }
        var value = e.Value(index);
        var baseOffset = e.Offset(index);
        string? text = null;
        var charCount = -1;
        Span<(int Start, int Length)> groups = stackalloc (int, int)[AccessLogParser.MaxCaptures];
        // The access-log matcher reads characters: an ASCII line is widened once.
        var chars = e.Chars(value.Length);
        var ascii = Ascii.ToUtf16(value, chars, out _) == System.Buffers.OperationStatus.Done;
        // Indexed rather than foreach: enumerating an IReadOnlyList boxes its enumerator, once per event.
        for (var x = 0; x < patterns.Count; x++)
        {
            var expression = patterns[x];
            if (expression.AccessLog is { } parser && ascii)
            {
                if (!parser.MatchAscii(chars, groups))
                {
                    continue;
                }
                for (var k = 0; k < expression.Captures.Count; k++)
                {
                    var (start, length) = groups[k];
                    if (start < 0)
                    {
                        continue;
                    }
                    var capture = expression.Captures[k];
                    if (capture.Type == GrokType.String || (capture.Type == GrokType.Int && IsCanonicalInt(chars.Slice(start, length))))
                    {
                        e.SetSlice(capture.Field, capture.Type == GrokType.String ? ValueKind.String : ValueKind.Number, baseOffset + start, length);
                    }
                    else if (GrokTypes.TryConvert(chars.Slice(start, length).ToString(), capture.Type, out var converted))
                    {
                        e.Set(capture.Field, converted);
                    }
                    else
                    {
                        return false;
                    }
                }
                return true;
            }
            if (expression.AccessLog is not null)
            {
                // A line that is not ASCII: the general path runs this regex (an access-log one, which may
                // backtrack up to its timeout on such a line) once, rather than after this form did.
                return false;
            }
            // A line that begins as no match can, or lacks a text the pattern requires, cannot match: no regex run
            // (values are valid UTF-8 here).
            if (expression.Start?.MayMatch(value) == false || !RequiredLiterals.AllIn(expression.Literals, value))
            {
                continue;
            }
            // Most lines fail most patterns (sshd's five before its catch-all): asked on the widened
            // characters, a failure costs no string, and a pattern without captures no Match either.
            if (charCount < 0)
            {
                charCount = ascii ? value.Length : Encoding.UTF8.GetChars(value, chars);
            }
            var regex = expression.Regex;
            if (!regex.IsMatch(chars[..charCount]))
            {
                continue;
            }
            if (expression.Captures.Count == 0)
            {
                return true;
            }
            text ??= Encoding.UTF8.GetString(value);
            var match = regex.Match(text);
            if (!match.Success)
            {
                // Not reached: the same regex on the same characters.
                return false;
            }
            for (var k = 0; k < expression.Captures.Count; k++)
            {
                var capture = expression.Captures[k];
                var group = match.Groups[capture.Group];
                if (!group.Success)
                {
                    continue;
                }
                if (capture.Type == GrokType.String)
                {
                    e.Set(capture.Field, FieldValue.Str(group.Value));
                }
                else if (GrokTypes.TryConvert(group.Value, capture.Type, out var converted))
                {
                    e.Set(capture.Field, converted);
                }
                else
                {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /// <summary>Digits that <see cref="GrokTypes.TryConvert"/> would give back unchanged: no sign, no leading zero, within a long.</summary>
    private static bool IsCanonicalInt(ReadOnlySpan<char> s) =>
        s.Length is > 0 and <= 18 && !s.ContainsAnyExceptInRange('0', '9') && (s[0] != '0' || s.Length == 1);
}
