using Vigie.Core;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;
using Vigie.Storage.Parts;

namespace Vigie.Query.Engine.Predicates;

/// <summary>
/// A column a block stores as templates (<see cref="TemplateView"/>), its rows' texts rebuilt one at a
/// time and only when asked for: a filter that a template leaves open tests those rows alone, and an
/// event scan makes the texts of the rows it returns, not of every row of the block. The referenced
/// columns are taken from the block's decoded data, or read, on the first row rebuilt from a template.
/// One worker reads it at a time (the texts share one buffer).
/// </summary>
public sealed class TemplateRows
{
    private readonly BlockContext _block;
    private readonly long _offset;
    private int[][]? _offsets;
    private byte[][]? _bytes;
    private byte[] _scratch = new byte[256];

    internal TemplateRows(BlockContext block, TemplateView view, long offset)
    {
        _block = block;
        View = view;
        _offset = offset;
    }

    public TemplateView View { get; }

    public ValueKind[] Kinds => View.Kinds;

    /// <summary>
    /// Takes the referenced columns and checks that every row built from a template has its referenced
    /// values (what decoding the whole column checks). Done once, on the first row needing it.
    /// </summary>
    /// <exception cref="PartCorruptException">A referenced column is damaged, or lacks a row a template refers to.</exception>
    public void Prepare()
    {
        if (_offsets is not null)
        {
            return;
        }
        var count = _block.Info.Columns.Count;
        var offsets = new int[count][];
        var bytes = new byte[count][];
        var kinds = new ValueKind[count][];
        var ids = View.RowTemplates;
        foreach (var template in View.Templates)
        {
            foreach (var piece in template)
            {
                if (piece.Literal is not null || offsets[piece.Column] is not null)
                {
                    continue;
                }
                var name = _block.Info.Columns[piece.Column].Name;
                var column = _block.Data?.GetColumn(name) ?? _block.ReadColumn(name)
                    ?? throw Damaged($"a template refers to column {name}, which cannot be read");
                if (column.RowCount != View.Kinds.Length)
                {
                    throw Damaged($"referenced column {name} has {column.RowCount} rows, not {View.Kinds.Length}");
                }
                offsets[piece.Column] = column.Offsets;
                bytes[piece.Column] = column.Bytes;
                kinds[piece.Column] = column.Kinds;
            }
        }
        for (var r = 0; r < ids.Length; r++)
        {
            if (ids[r] == 0 || View.Kinds[r] == ValueKind.Absent)
            {
                continue;
            }
            foreach (var piece in View.Templates[ids[r] - 1])
            {
                if (piece.Literal is null && kinds[piece.Column][r] == ValueKind.Absent)
                {
                    throw Damaged($"row {r} refers to column {_block.Info.Columns[piece.Column].Name}, absent there");
                }
            }
        }
        _bytes = bytes;
        _offsets = offsets;
    }

    /// <summary>The text of present row <paramref name="row"/>, valid until the next call.</summary>
    /// <exception cref="PartCorruptException">See <see cref="Prepare"/>.</exception>
    public ReadOnlySpan<byte> Text(int row)
    {
        var id = View.RowTemplates[row];
        if (id == 0)
        {
            return View.Raw(row);
        }
        Prepare();
        var pieces = View.Templates[id - 1];
        var length = 0;
        foreach (var piece in pieces)
        {
            length += piece.Literal?.Length ?? (_offsets![piece.Column][row + 1] - _offsets[piece.Column][row]);
        }
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }
        var at = 0;
        foreach (var piece in pieces)
        {
            var part = piece.Literal is { } literal
                ? literal
                : _bytes![piece.Column].AsSpan(_offsets![piece.Column][row], _offsets[piece.Column][row + 1] - _offsets[piece.Column][row]);
            part.CopyTo(_scratch.AsSpan(at));
            at += part.Length;
        }
        return _scratch.AsSpan(0, length);
    }

    private PartCorruptException Damaged(string problem) => new(_block.Reader.Path, _offset, $"block {_block.BlockIndex}: {problem}");
}
