using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Vigie.Core;
using Vigie.Ingestion.Mapping;
using Vigie.Ingestion.Protocols;

namespace Vigie.Ingestion.Journald;

/// <summary>
/// Decodes the journal export format (<c>application/vnd.fdo.journal</c>) that
/// <c>systemd-journal-upload</c> sends: entries separated by an empty line, each field either
/// <c>NAME=value\n</c> or, for binary values, <c>NAME\n</c>, a 64-bit little-endian length, the bytes
/// and <c>\n</c>. <c>MESSAGE</c> becomes <c>_msg</c>, <c>_HOSTNAME</c> <c>host</c>,
/// <c>SYSLOG_IDENTIFIER</c> (else <c>_SYSTEMD_UNIT</c> without <c>.service</c>, as the agent names it)
/// <c>service</c>, <c>PRIORITY</c> <c>level</c>,
/// <c>__REALTIME_TIMESTAMP</c> the time; other fields keep their names; the cursor and monotonic
/// time (<c>__</c> fields) are dropped.
/// </summary>
/// <remarks>
/// Incremental: <see cref="Decode"/> takes what has arrived and says how much of it made whole
/// entries, so that an endless upload (<c>--follow</c>) is stored as it comes with bounded memory.
/// </remarks>
public sealed class JournalExportDecoder(StreamFields streams, long nowNs, int maxEntryBytes = 16 * 1024 * 1024)
{
    private long _entryNumber;

    /// <summary>
    /// Decodes the whole entries at the start of <paramref name="data"/>; returns the bytes consumed.
    /// With <paramref name="final"/>, the rest is decoded too (a last entry without its empty line).
    /// </summary>
    /// <exception cref="MalformedBodyException">An entry is larger than the limit: the stream cannot be resynchronised.</exception>
    public int Decode(ReadOnlySpan<byte> data, bool final, EventBatch batch, DecodeReport report)
    {
        var consumed = 0;
        while (consumed < data.Length)
        {
            var rest = data[consumed..];
            var length = EntryLength(rest, out var complete);
            if (!complete)
            {
                if (rest.Length > maxEntryBytes)
                {
                    throw new MalformedBodyException($"entry {_entryNumber + 1} is larger than {maxEntryBytes} bytes");
                }
                if (!final)
                {
                    return consumed;
                }
                length = rest.Length;
            }
            _entryNumber++;
            var entry = rest[..length];
            if (!entry.Trim("\n"u8).IsEmpty)
            {
                var error = AddEntry(entry, batch);
                if (error is null)
                {
                    report.Accept();
                }
                else
                {
                    report.Reject($"entry {_entryNumber}: {error}");
                }
            }
            consumed += length;
        }
        return consumed;
    }

    /// <summary>The length of the first entry with its terminating empty line, walking binary fields by their length.</summary>
    private static int EntryLength(ReadOnlySpan<byte> data, out bool complete)
    {
        var position = 0;
        while (position < data.Length)
        {
            if (data[position] == (byte)'\n')
            {
                complete = true;
                return position + 1;
            }
            var newline = data[position..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }
            var line = data.Slice(position, newline);
            if (line.IndexOf((byte)'=') >= 0)
            {
                position += newline + 1;
                continue;
            }
            // NAME\n then a little-endian 64-bit size, the value and a newline.
            var sizeAt = position + newline + 1;
            if (data.Length - sizeAt < 8)
            {
                break;
            }
            var size = BinaryPrimitives.ReadUInt64LittleEndian(data[sizeAt..]);
            if (size > (ulong)(data.Length - sizeAt - 8))
            {
                // Not all here yet (or a lie the size limit will catch).
                break;
            }
            position = sizeAt + 8 + (int)size;
            if (position < data.Length && data[position] == (byte)'\n')
            {
                position++;
            }
        }
        complete = false;
        return data.Length;
    }

    private string? AddEntry(ReadOnlySpan<byte> entry, EventBatch batch)
    {
        batch.BeginEvent(nowNs);
        var hasIdentifier = false;
        string? unit = null;
        var position = 0;
        while (position < entry.Length && entry[position] != (byte)'\n')
        {
            var newline = entry[position..].IndexOf((byte)'\n');
            var lineEnd = newline < 0 ? entry.Length : position + newline;
            var line = entry[position..lineEnd];
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            var equals = line.IndexOf((byte)'=');
            if (equals >= 0)
            {
                name = line[..equals];
                value = line[(equals + 1)..];
                position = lineEnd + 1;
            }
            else
            {
                name = line;
                var sizeAt = lineEnd + 1;
                if (entry.Length - sizeAt < 8)
                {
                    batch.CancelEvent();
                    return $"field {Encoding.UTF8.GetString(name)} has no value";
                }
                var size = BinaryPrimitives.ReadUInt64LittleEndian(entry[sizeAt..]);
                if (size > (ulong)(entry.Length - sizeAt - 8))
                {
                    batch.CancelEvent();
                    return $"field {Encoding.UTF8.GetString(name)} is cut short";
                }
                value = entry.Slice(sizeAt + 8, (int)size);
                position = sizeAt + 8 + (int)size + 1;
            }
            if (name.IsEmpty || !Utf8.IsValid(name))
            {
                batch.CancelEvent();
                return "a field has no valid name";
            }
            AddField(batch, name, value, ref hasIdentifier, ref unit);
        }
        if (!hasIdentifier && unit is not null)
        {
            batch.AddField("service", ValueKind.String, ServiceOfUnit(unit));
        }
        batch.EndEvent(streams);
        return null;
    }

    private static void AddField(EventBatch batch, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ref bool hasIdentifier, ref string? unit)
    {
        if (name.SequenceEqual("__REALTIME_TIMESTAMP"u8))
        {
            if (System.Buffers.Text.Utf8Parser.TryParse(value, out long micros, out var used) && used == value.Length)
            {
                batch.SetTime(micros * 1000);
            }
            return;
        }
        if (name.StartsWith("__"u8))
        {
            return;
        }
        // Binary values (not UTF-8) are kept as base64 so that they stay searchable text.
        var text = Utf8.IsValid(value);
        if (name.SequenceEqual("MESSAGE"u8))
        {
            AddValue(batch, FieldNames.Message, value, text);
        }
        else if (name.SequenceEqual("_HOSTNAME"u8))
        {
            AddValue(batch, "host", value, text);
        }
        else if (name.SequenceEqual("SYSLOG_IDENTIFIER"u8))
        {
            hasIdentifier = true;
            AddValue(batch, "service", value, text);
        }
        else if (name.SequenceEqual("PRIORITY"u8))
        {
            var level = value.Length == 1 ? SeverityLevels.FromSyslogSeverity(value[0] - '0') : null;
            if (level is not null)
            {
                batch.AddField("level", ValueKind.String, level);
            }
            AddValue(batch, "PRIORITY", value, text);
        }
        else
        {
            if (name.SequenceEqual("_SYSTEMD_UNIT"u8) && text)
            {
                unit = Encoding.UTF8.GetString(value);
            }
            var nameText = Encoding.UTF8.GetString(name);
            AddValue(batch, nameText, value, text);
        }
    }

    /// <summary><c>nginx.service</c> is the service <c>nginx</c>; other unit kinds keep their suffix.</summary>
    private static string ServiceOfUnit(string unit) =>
        unit.EndsWith(".service", StringComparison.Ordinal) && unit.Length > ".service".Length ? unit[..^".service".Length] : unit;

    private static void AddValue(EventBatch batch, string name, ReadOnlySpan<byte> value, bool text)
    {
        if (text)
        {
            batch.AddField(name, ValueKind.String, value);
        }
        else
        {
            batch.AddField(name, ValueKind.String, Convert.ToBase64String(value));
        }
    }
}
