using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vigie.Core;

namespace Vigie.Storage.Blocks;

/// <summary>
/// Accumulates the rows of ONE stream, appended in ascending time order, into a <see cref="ColumnarBlock"/>.
/// Flushes feed it from <see cref="EventBatch"/>es, merges from decoded blocks.
/// </summary>
/// <remarks>
/// Not thread-safe: one builder per flushing or merging thread. Its arrays are kept across
/// <see cref="Reset"/> so that appending rows allocates nothing once warm; <see cref="Build"/>
/// allocates the block's exact-size arrays, <see cref="BuildLent"/> lends its own. A field some rows lack is absent in them; a field
/// repeated within one event keeps its last value.
/// </remarks>
public sealed class ColumnarBlockBuilder
{
    private readonly List<ColumnBuffer> _columns = [];
    private readonly Dictionary<string, ColumnBuffer> _byName = new(StringComparer.Ordinal);
    private readonly Stack<ColumnBuffer> _spare = new();
    private readonly Dictionary<string, ColumnBuffer> _spareByName = new(StringComparer.Ordinal);
    private readonly LentBuffers _lender = new();
    private readonly LentRows _rowsLender = new();
    private long[] _times = new long[256];
    private readonly Dictionary<EventBatch, ColumnMap> _columnsByBatch = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ColumnarBlock, ColumnMap> _columnsBySource = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The maps of the blocks built so far, emptied, for the next blocks: a flush's block takes rows
    /// from dozens of batches and a flush builds hundreds of blocks, so maps made new for each were
    /// a tenth of what a flush allocated.
    /// </summary>
    private readonly Stack<ColumnMap> _spareMaps = new();
    private EventBatch? _lastBatch;
    private ColumnMap? _lastMap;
    private int _rows;
    private long _valueBytes;

    public ColumnarBlockBuilder()
        : this(StreamKey.Empty)
    {
    }

    public ColumnarBlockBuilder(StreamKey stream) => Stream = stream;

    public StreamKey Stream { get; private set; }

    public int RowCount => _rows;

    /// <summary>Bytes of values held (replaced duplicates excluded); what callers cut blocks by.</summary>
    public long ValueBytes => _valueBytes;

    public int ColumnCount => _columns.Count;

    /// <summary>Empties the builder for a block of <paramref name="stream"/>, keeping its buffers.</summary>
    public void Reset(StreamKey stream)
    {
        Stream = stream;
        foreach (var map in _columnsByBatch.Values)
        {
            SpareMap(map);
        }
        foreach (var map in _columnsBySource.Values)
        {
            SpareMap(map);
        }
        _columnsByBatch.Clear();
        _columnsBySource.Clear();
        _lastBatch = null;
        _lastMap = null;
        _rows = 0;
        _valueBytes = 0;
        foreach (var c in _columns)
        {
            // Kept by name: the next blocks' column of the same name (mostly of the same stream) finds
            // arrays of the size it needs instead of growing small ones again, copy after copy.
            if (!c.TooLargeToRetain && !_spareByName.TryAdd(c.Name, c))
            {
                _spare.Push(c);
            }
        }
        _columns.Clear();
        _byName.Clear();
    }

    /// <summary>Appends the fields of event <paramref name="eventIndex"/> of <paramref name="batch"/> at <paramref name="timeNs"/>.</summary>
    public void Add(long timeNs, EventBatch batch, int eventIndex)
    {
        var (start, end) = batch.GetFieldRange(eventIndex);
        var byteStart = start == end ? 0 : (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(batch.RawBytes), ref MemoryMarshal.GetReference(batch.GetValue(start)));
        Add(timeNs, batch, start, end, byteStart);
    }

    /// <summary>
    /// Appends the fields <paramref name="fieldStart"/> to <paramref name="fieldEnd"/> (excluded) of one event of
    /// <paramref name="batch"/>, whose values begin at <paramref name="byteStart"/> in <see cref="EventBatch.RawBytes"/>
    /// and follow one another there: the flush knows where each event lies, and reads it without the
    /// batch's value offsets.
    /// </summary>
    internal void Add(long timeNs, EventBatch batch, int fieldStart, int fieldEnd, int byteStart)
    {
        var row = BeginRow(timeNs);
        var (start, end) = (fieldStart, fieldEnd);
        // Columns are found by the batch's name ids (an array index per field, not a string hash);
        // rows of one block come from several batches, hence one map per batch. Consecutive rows
        // mostly come from the same batch: the last map is checked before the dictionary.
        var map = _lastMap;
        if (!ReferenceEquals(batch, _lastBatch) || map!.Epoch != batch.Epoch)
        {
            if (!_columnsByBatch.TryGetValue(batch, out map))
            {
                map = RentMap(batch.Names.Count);
                _columnsByBatch.Add(batch, map);
            }
            else if (map.Epoch != batch.Epoch)
            {
                // The batch was emptied and filled again: its name ids mean other names now.
                map.Columns.AsSpan().Clear();
            }
            map.Epoch = batch.Epoch;
            _lastBatch = batch;
            _lastMap = map;
        }
        var byId = map.Columns;
        var nameIds = batch.NameIds;
        var kinds = batch.Kinds;
        var lengths = batch.ValueLengths;
        var bytes = batch.RawBytes;
        var position = byteStart;
        for (var f = start; f < end; f++)
        {
            var id = nameIds[f];
            if (id >= byId.Length)
            {
                Array.Resize(ref byId, Math.Max(id + 1, byId.Length * 2));
                map.Columns = byId;
            }
            var column = byId[id] ??= GetOrAddColumn(batch.GetName(f));
            var length = lengths[f];
            _valueBytes += column.Set(row, kinds[f], bytes.Slice(position, length));
            position += length;
        }
        _rows++;
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="source"/> (merges); its stream is assumed to be <see cref="Stream"/>.</summary>
    public void Add(ColumnarBlock source, int row)
    {
        var target = BeginRow(source.Times[row]);
        // The source's columns are matched to this block's once per source block, not by name per
        // row; each on its first present value, so that a column no row of this block has is not added.
        if (!_columnsBySource.TryGetValue(source, out var map))
        {
            map = RentMap(source.Columns.Count);
            _columnsBySource.Add(source, map);
        }
        var targets = map.Columns;
        var columns = source.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var kind = c.Kinds[row];
            if (kind != ValueKind.Absent)
            {
                _valueBytes += (targets[i] ??= GetOrAddColumn(c.Name)).Set(target, kind, c.GetValue(row));
            }
        }
        _rows++;
    }

    /// <summary>Appends a materialised event (tests and cold paths).</summary>
    public void Add(LogEvent e)
    {
        var row = BeginRow(e.TimeNs);
        foreach (var (name, value) in e.Fields)
        {
            _valueBytes += GetOrAddColumn(name).Set(row, value.Kind, value.Text);
        }
        _rows++;
    }

    /// <summary>The block of the rows added since the last <see cref="Reset"/>; the builder keeps them.</summary>
    public ColumnarBlock Build()
    {
        var times = _times.AsSpan(0, _rows).ToArray();
        var columns = new Column[_columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = _columns[i].ToColumn(_rows);
        }
        return new ColumnarBlock(Stream, times, columns);
    }

    /// <summary>
    /// Like <see cref="Build"/>, but the block takes the builder's arrays instead of copies: its times,
    /// each column's kinds, offsets and value bytes, all usually longer than its rows (readers read
    /// <see cref="ColumnarBlock.RowCount"/> rows). The flush and merges hand such blocks to the part
    /// writer, which gives the arrays back (<see cref="ColumnarBlock.ReturnLentBuffers"/>) once the block
    /// is encoded. Until then no other block of this builder shares them. The builder must be
    /// <see cref="Reset"/> before its next rows.
    /// </summary>
    internal ColumnarBlock BuildLent()
    {
        var rows = _rows;
        var times = _times;
        _times = _rowsLender.Times.Rent(times.Length);
        var columns = new Column[_columns.Count];
        var lent = new byte[_columns.Count][];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = _columns[i].LendColumn(rows, _lender, _rowsLender);
            lent[i] = columns[i].Bytes;
        }
        return new ColumnarBlock(Stream, times, rows, columns) { Lent = (_lender, lent), LentRows = _rowsLender };
    }

    private int BeginRow(long timeNs)
    {
        if (_rows > 0 && timeNs < _times[_rows - 1])
        {
            throw new ArgumentOutOfRangeException(nameof(timeNs), timeNs, $"rows must be added in ascending time order; the last was {_times[_rows - 1]}");
        }
        if (_rows >= _times.Length)
        {
            Array.Resize(ref _times, _rows * 2);
        }
        _times[_rows] = timeNs;
        return _rows;
    }

    private ColumnBuffer GetOrAddColumn(string name)
    {
        if (_byName.TryGetValue(name, out var column))
        {
            return column;
        }
        if (!_spareByName.Remove(name, out column))
        {
            column = _spare.Count > 0 ? _spare.Pop() : new ColumnBuffer();
        }
        column.Reset(name);
        _columns.Add(column);
        _byName.Add(name, column);
        return column;
    }

    /// <summary>A spare map whose array holds at least <paramref name="count"/> entries, all empty.</summary>
    private ColumnMap RentMap(int count)
    {
        var map = _spareMaps.TryPop(out var spare) ? spare : new ColumnMap();
        if (map.Columns.Length < count)
        {
            map.Columns = new ColumnBuffer?[Math.Max(16, count)];
        }
        return map;
    }

    private void SpareMap(ColumnMap map)
    {
        map.Columns.AsSpan().Clear();
        _spareMaps.Push(map);
    }

    /// <summary>The columns of one batch's name ids, or of one source block's columns, in this block.</summary>
    private sealed class ColumnMap
    {
        public int Epoch { get; set; }

        public ColumnBuffer?[] Columns { get; set; } = new ColumnBuffer?[16];
    }
}
