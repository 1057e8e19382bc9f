using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Parts;

/// <summary>
/// The constant or dictionary values of columns read from a part's index, as the entries (kind and
/// UTF-8 bytes) the decoders take, when every value's text encodes back to its stored bytes. The
/// index keeps only the texts (queries compare them, and the index of every live part stays in
/// memory): the entries are made again from the texts when a block is decoded, and kept only while
/// something uses them (a weak reference), so that an idle server holds each value once.
/// </summary>
internal sealed class ColumnEntries(FieldValue[] values)
{
    private WeakReference<DictEntry[]>? _entries;

    public DictEntry[] Get()
    {
        if (Volatile.Read(ref _entries) is { } weak && weak.TryGetTarget(out var entries))
        {
            return entries;
        }
        entries = new DictEntry[values.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new DictEntry(values[i].Kind, Encoding.UTF8.GetBytes(values[i].Text));
        }
        // Two threads may both make them: equal arrays, either one will do.
        Volatile.Write(ref _entries, new WeakReference<DictEntry[]>(entries));
        return entries;
    }
}
