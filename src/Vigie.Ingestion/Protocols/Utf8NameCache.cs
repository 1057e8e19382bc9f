using System.IO.Hashing;
using System.Text;
using Vigie.Core;

namespace Vigie.Ingestion.Protocols;

/// <summary>
/// Field names by their UTF-8 bytes, kept across requests: a decoder looks a name up with one hash
/// and one byte comparison and gets its string (made once) and its id in the current batch (interned
/// once per batch), instead of a UTF-16 conversion and a string dictionary lookup per field.
/// </summary>
/// <remarks>
/// Not thread-safe: one per decoder instance or thread. Bounded: when it holds
/// <see cref="MaxNames"/> names (senders with unbounded key sets) it starts again empty.
/// </remarks>
public sealed class Utf8NameCache
{
    public const int MaxNames = 2048;

    private const int Slots = MaxNames * 2;

    private readonly Entry?[] _slots = new Entry?[Slots];
    private int _count;

    // The batch whose ids the entries hold, told apart by a generation so that entries need not
    // reference (and keep alive) the batches they were interned in.
    private EventBatch? _batch;
    private int _batchEpoch;
    private int _generation;

    /// <summary>The entry of <paramref name="utf8"/>, made (with <see cref="Entry.Name"/> decoded) on first sight.</summary>
    public Entry Get(ReadOnlySpan<byte> utf8)
    {
        const int Mask = Slots - 1;
        var at = (int)XxHash3.HashToUInt64(utf8) & Mask;
        while (_slots[at] is { } known)
        {
            if (utf8.SequenceEqual(known.Utf8))
            {
                return known;
            }
            at = (at + 1) & Mask;
        }
        if (_count >= MaxNames)
        {
            Array.Clear(_slots);
            _count = 0;
            at = (int)XxHash3.HashToUInt64(utf8) & Mask;
        }
        // Invalid UTF-8 becomes U+FFFD, as a string decoded by Encoding.UTF8 would.
        var entry = new Entry(utf8.ToArray(), Encoding.UTF8.GetString(utf8));
        _slots[at] = entry;
        _count++;
        return entry;
    }

    /// <summary>The id of <paramref name="utf8"/> in <paramref name="batch"/>.</summary>
    public int Intern(EventBatch batch, ReadOnlySpan<byte> utf8) => IdOf(Get(utf8), batch);

    /// <summary>The id of <paramref name="entry"/>'s name in <paramref name="batch"/>, interned on its first use there.</summary>
    public int IdOf(Entry entry, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch, _batch) || batch.Epoch != _batchEpoch)
        {
            _batch = batch;
            _batchEpoch = batch.Epoch;
            _generation++;
        }
        if (entry.Generation != _generation)
        {
            entry.Id = batch.InternName(entry.Name);
            entry.Generation = _generation;
        }
        return entry.Id;
    }

    /// <summary>Forgets every name (their meaning changed).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
        Forget();
    }

    /// <summary>Lets go of the batch of the last request (called when a request is decoded).</summary>
    public void Forget()
    {
        _batch = null;
        _generation++;
    }

    /// <summary>One name: its bytes, its string, and its id in the batch of the cache's current generation.</summary>
    public sealed class Entry(byte[] utf8, string name)
    {
        public byte[] Utf8 { get; } = utf8;

        public string Name { get; } = name;

        /// <summary>What the decoder derived from the name once (e.g. how a map classifies it).</summary>
        public object? Tag { get; set; }

        internal int Generation { get; set; } = -1;

        internal int Id { get; set; }
    }
}
