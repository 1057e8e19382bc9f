using System.Buffers.Binary;
using Vigie.Core;
using Vigie.Pipelines.Model;

namespace Vigie.Pipelines;

/// <summary>
/// Which pipelines may select an event, decided once per combination of values of the fields the
/// conditions compare (in practice once per stream: <c>service</c>), instead of testing every
/// condition on every event. The built-in pipelines each start with <c>service:...</c>: for an event of
/// <c>service=nginx</c> the plan is "nginx if its <c>_msg</c> regex matches, then json-app if its
/// <c>_msg</c> starts with <c>{</c>", and the five others are never tested.
/// </summary>
/// <remarks>
/// A later pipeline's condition sees the event as the pipelines before it left it. A value is taken as
/// known for a pipeline only when no pipeline before it in the plan may write that field
/// (<see cref="Pipeline.Writes"/>; one whose steps cannot say, e.g. <c>json</c>, may write any field),
/// so a plan answers exactly as the conditions would on the event. The plans are keyed by the values'
/// bytes, not by the event's stream, so that they hold whatever a listener chose as stream fields.
/// </remarks>
internal sealed class PipelinePlans
{
    /// <summary>
    /// Distinct value combinations planned for. Past it the plans are turned off for good and every
    /// event is tested as before: a condition on a field with many values (an id) gains nothing from
    /// plans, and making one per event would cost more than the conditions.
    /// </summary>
    internal const int MaxPlans = 4096;

    /// <summary>Longer values are not planned for (the event is tested as before): keys stay small.</summary>
    private const int MaxValueBytes = 256;

    private readonly Pipeline[] _pipelines;

    /// <summary>The fields the plans are keyed on, sorted, and their slots in <see cref="ConditionSlots"/>.</summary>
    private readonly string[] _fields;

    private readonly int[] _slots;

    /// <summary>
    /// The plans by hash, open addressing with linear probing, read without a lock: this look-up runs on
    /// every event, and a <c>ConcurrentDictionary</c> keyed by <c>HashCode</c> of the values cost about as
    /// much as the conditions it saves (a fifth of the pipelines' time on the macro benchmark's corpus).
    /// Plans are only added (under <see cref="_gate"/>), each slot written once with a fully built plan;
    /// a larger table replaces the whole array.
    /// </summary>
    private Plan?[] _table = new Plan?[16];

    private int _count;

    private readonly Lock _gate = new();

    private volatile bool _off;

    private PipelinePlans(Pipeline[] pipelines, string[] fields)
    {
        _pipelines = pipelines;
        _fields = fields;
        _slots = [.. fields.Select(ConditionSlots.Add)];
    }

    /// <summary>Plans for <paramref name="pipelines"/>; null when no condition compares a field's value (nothing to decide once).</summary>
    public static PipelinePlans? For(Pipeline[] pipelines)
    {
        string[] fields = [.. pipelines
            .SelectMany(p => p.Condition?.ComparedFields() ?? [])
            // The message is different on every event: no use as a key.
            .Where(f => f is not (FieldNames.Time or FieldNames.Stream or FieldNames.Message))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
        return fields.Length == 0 ? null : new PipelinePlans(pipelines, fields);
    }

    /// <summary>
    /// <see cref="Find(EventBatch, int, BatchEventRow)"/> through a memo of the plan last found per stream of
    /// the batch (<paramref name="byStream"/>, by stream index, as long as the batch's streams): the events of
    /// a stream mostly share the values the plans are keyed on (<c>service</c> is a stream field), so
    /// comparing them with the memo's values costs less than hashing them and probing the table. The memo is
    /// only a guess: a plan is used only for events whose values are its own.
    /// </summary>
    public Plan? Find(EventBatch batch, int index, BatchEventRow row, Plan?[] byStream)
    {
        var stream = batch.GetStreamIndex(index);
        if ((uint)stream < (uint)byStream.Length && byStream[stream] is { } last && last.IsFor(batch, index, row, _slots))
        {
            return last;
        }
        var plan = Find(batch, index, row);
        if ((uint)stream < (uint)byStream.Length)
        {
            byStream[stream] = plan;
        }
        return plan;
    }

    /// <summary>The plan for event <paramref name="index"/>; null when its values are not planned for (too long, not valid UTF-8).</summary>
    public Plan? Find(EventBatch batch, int index, BatchEventRow row)
    {
        if (_off)
        {
            return null;
        }
        var hash = 0UL;
        for (var k = 0; k < _slots.Length; k++)
        {
            var f = row.FieldOf(index, _slots[k]);
            if (f < 0)
            {
                hash = Mix(hash, ulong.MaxValue);
                continue;
            }
            var value = batch.GetValue(f);
            if (value.Length > MaxValueBytes)
            {
                return null;
            }
            hash = Hash(hash, value);
        }
        var key = (int)(hash ^ (hash >> 32));
        var table = Volatile.Read(ref _table);
        var mask = table.Length - 1;
        for (var s = key & mask; table[s] is { } candidate; s = (s + 1) & mask)
        {
            if (candidate.Hash == key && candidate.IsFor(batch, index, row, _slots))
            {
                return candidate;
            }
        }
        return Add(batch, index, row, key);
    }

    private Plan? Add(EventBatch batch, int index, BatchEventRow row, int key)
    {
        var values = new byte[]?[_slots.Length];
        for (var k = 0; k < _slots.Length; k++)
        {
            var f = row.FieldOf(index, _slots[k]);
            if (f < 0)
            {
                continue;
            }
            var value = batch.GetValue(f);
            // The fast path tests later conditions on values repaired to valid UTF-8, the batch form on
            // the bytes as they came: such an event is left to the conditions themselves.
            if (!System.Text.Unicode.Utf8.IsValid(value))
            {
                return null;
            }
            values[k] = value.ToArray();
        }
        lock (_gate)
        {
            if (_off)
            {
                return null;
            }
            var table = _table;
            var mask = table.Length - 1;
            var s = key & mask;
            for (; table[s] is { } candidate; s = (s + 1) & mask)
            {
                // Another thread may have added it meanwhile.
                if (candidate.Hash == key && candidate.IsFor(batch, index, row, _slots))
                {
                    return candidate;
                }
            }
            if (_count >= MaxPlans)
            {
                _off = true;
                Volatile.Write(ref _table, new Plan?[1]);
                return null;
            }
            var plan = Build(values, key);
            _count++;
            if (_count * 2 > table.Length)
            {
                // At most half full, so that a miss ends at an empty slot soon.
                var larger = new Plan?[table.Length * 2];
                foreach (var p in table)
                {
                    if (p is not null)
                    {
                        Insert(larger, p);
                    }
                }
                Insert(larger, plan);
                Volatile.Write(ref _table, larger);
            }
            else
            {
                Volatile.Write(ref table[s], plan);
            }
            return plan;
        }
    }

    private static void Insert(Plan?[] table, Plan plan)
    {
        var mask = table.Length - 1;
        var s = plan.Hash & mask;
        while (table[s] is not null)
        {
            s = (s + 1) & mask;
        }
        table[s] = plan;
    }

    /// <summary>A hash of a value's bytes, eight at a time: these are short (<c>nginx</c>, <c>postgres</c>).</summary>
    private static ulong Hash(ulong hash, ReadOnlySpan<byte> value)
    {
        hash = Mix(hash, (ulong)value.Length);
        while (value.Length >= 8)
        {
            hash = Mix(hash, BinaryPrimitives.ReadUInt64LittleEndian(value));
            value = value[8..];
        }
        if (value.Length > 0)
        {
            var tail = 0UL;
            for (var i = 0; i < value.Length; i++)
            {
                tail |= (ulong)value[i] << (8 * i);
            }
            hash = Mix(hash, tail);
        }
        return hash;
    }

    private static ulong Mix(ulong hash, ulong word)
    {
        hash = (hash ^ word) * 0x9E3779B97F4A7C15UL;
        return hash ^ (hash >> 29);
    }

    private Plan Build(byte[]?[] values, int hash)
    {
        var tainted = new HashSet<string>(StringComparer.Ordinal);
        var anyTainted = false;
        var pipelines = new List<int>();
        var tests = new List<Condition.Specialised?>();
        bool Known(string name, out byte[]? value)
        {
            var k = Array.BinarySearch(_fields, name, StringComparer.Ordinal);
            if (k < 0 || anyTainted || tainted.Contains(name))
            {
                value = null;
                return false;
            }
            value = values[k];
            return true;
        }
        for (var p = 0; p < _pipelines.Length; p++)
        {
            var pipeline = _pipelines[p];
            Condition.Specialised? test = null;
            if (pipeline.Condition is { } condition)
            {
                var specialised = condition.Specialise(Known);
                if (specialised.Never)
                {
                    // Never runs on these events: it writes nothing the later ones could see.
                    continue;
                }
                test = specialised.Always ? null : specialised;
            }
            pipelines.Add(p);
            tests.Add(test);
            if (pipeline.Writes is { } writes)
            {
                tainted.UnionWith(writes);
            }
            else
            {
                anyTainted = true;
            }
        }
        return new Plan(values, hash, [.. pipelines], [.. tests]);
    }

    /// <summary>The pipelines that may select the events with given values, in order, each with what is left of its condition.</summary>
    internal sealed class Plan(byte[]?[] values, int hash, int[] pipelines, Condition.Specialised?[] tests)
    {
        /// <summary>The hash of the values, where the plan sits in the table.</summary>
        public int Hash => hash;

        /// <summary>How many pipelines may select such an event.</summary>
        public int Count => pipelines.Length;

        /// <summary>The index in the set of the <paramref name="k"/>th pipeline of the plan.</summary>
        public int Pipeline(int k) => pipelines[k];

        /// <summary>The first entry whose pipeline selects event <paramref name="index"/> as it came, -1 for none.</summary>
        public int FirstSelecting(EventBatch batch, int index, BatchEventRow row)
        {
            for (var k = 0; k < pipelines.Length; k++)
            {
                if (tests[k] is not { } test || test.Matches(batch, index, row))
                {
                    return k;
                }
            }
            return -1;
        }

        /// <summary>Whether the <paramref name="k"/>th pipeline selects the event as the pipelines before it left it.</summary>
        public bool Selects(int k, SpanEvent e) => tests[k] is not { } test || test.Matches(e);

        public bool IsFor(EventBatch batch, int index, BatchEventRow row, int[] slots)
        {
            for (var k = 0; k < slots.Length; k++)
            {
                var f = row.FieldOf(index, slots[k]);
                if (f < 0 ? values[k] is not null : values[k] is not { } v || !batch.GetValue(f).SequenceEqual(v))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
