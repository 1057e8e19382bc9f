using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Vigie.Agent.Collection;
using Vigie.Core;

namespace Vigie.Agent.Delivery;

/// <summary>
/// Writes one collected line as one NDJSON object of the wire contract: <c>_time</c> (RFC 3339 with
/// nanoseconds), <c>_msg</c>, the origin's fields, the line's own fields, <c>_pipeline</c> when the
/// origin names one. One writer is reused for every line (reset onto the batch's buffer), so encoding
/// allocates nothing for a well-formed line.
/// </summary>
/// <remarks>Not thread-safe: the buffer calls it under its append lock.</remarks>
internal sealed class LineEncoder
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Log lines are full of quotes, angle brackets and non-ASCII text: escape only what JSON requires.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Utf8JsonWriter _writer = new(Stream.Null, Options);

    public void Encode(in CollectedLine line, PooledBuffer output)
    {
        _writer.Reset(output);
        _writer.WriteStartObject();
        Span<byte> time = stackalloc byte[40];
        _writer.WriteString("_time"u8, time[..FormatTime(line.TimeNs, time)]);
        if (line.Processed is { } processed)
        {
            WriteProcessed(processed);
        }
        else
        {
            WriteCollected(line);
        }
        if (line.Origin.Pipeline is { } pipeline)
        {
            _writer.WriteString("_pipeline"u8, pipeline);
        }
        _writer.WriteEndObject();
        _writer.Flush();
        output.WriteByte((byte)'\n');
    }

    private void WriteCollected(in CollectedLine line)
    {
        var message = line.Message.Span;
        if (Utf8.IsValid(message))
        {
            _writer.WriteString("_msg"u8, message);
        }
        else
        {
            // Invalid UTF-8 (a binary write to stdout): replaced with U+FFFD rather than refused, as
            // JSON cannot carry it. Rare enough for the string this costs.
            _writer.WriteString("_msg"u8, Encoding.UTF8.GetString(message));
        }
        foreach (var (name, value) in line.Origin.Fields)
        {
            _writer.WriteString(name, value);
        }
        if (line.Fields is { } fields)
        {
            foreach (var (name, value) in fields)
            {
                _writer.WriteString(name, value);
            }
        }
    }

    /// <summary>Fields as edge pipelines left them: numbers and booleans stay JSON numbers and booleans.</summary>
    private void WriteProcessed(IReadOnlyList<KeyValuePair<string, FieldValue>> fields)
    {
        foreach (var (name, value) in fields)
        {
            switch (value.Kind)
            {
                case ValueKind.Number when long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                    _writer.WriteNumber(name, integer);
                    break;
                case ValueKind.Number when double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real):
                    _writer.WriteNumber(name, real);
                    break;
                case ValueKind.Bool when value.Text is "true" or "false":
                    _writer.WriteBoolean(name, value.Text == "true");
                    break;
                case ValueKind.Json:
                    _writer.WritePropertyName(name);
                    _writer.WriteRawValue(value.Text);
                    break;
                default:
                    _writer.WriteString(name, value.Text);
                    break;
            }
        }
    }

    /// <summary><c>2026-11-25T10:00:00.123456789Z</c>: always nine fractional digits, so that order is kept exactly.</summary>
    internal static int FormatTime(long ns, Span<byte> output)
    {
        var seconds = Math.DivRem(ns, Timestamps.NanosPerSecond, out var fraction);
        if (fraction < 0)
        {
            fraction += Timestamps.NanosPerSecond;
            seconds--;
        }
        var time = DateTime.UnixEpoch.AddSeconds(seconds);
        if (!time.TryFormat(output, out var written, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("the output is too small for a timestamp", nameof(output));
        }
        output[written++] = (byte)'.';
        if (!Utf8Formatter.TryFormat(fraction, output[written..], out var digits, new StandardFormat('D', 9)))
        {
            throw new ArgumentException("the output is too small for a timestamp", nameof(output));
        }
        written += digits;
        output[written++] = (byte)'Z';
        return written;
    }
}
