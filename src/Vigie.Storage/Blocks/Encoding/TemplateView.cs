using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// A <see cref="ColumnEncoding.Template"/> column as stored, without the columns its templates refer
/// to: per row the template it follows, the templates' pieces, and the rows stored as they are. A
/// search can judge a template once for all its rows and decode the referenced columns only when a
/// template leaves the answer open.
/// </summary>
public sealed class TemplateView
{
    internal TemplateView(ValueKind[] kinds, byte[] rowTemplates, TemplatePiece[][] templates, int[] rawOffsets, byte[] rawBytes)
    {
        Kinds = kinds;
        RowTemplates = rowTemplates;
        Templates = templates;
        RawOffsets = rawOffsets;
        RawBytes = rawBytes;
    }

    /// <summary>Per row its kind; an absent row has no text.</summary>
    public ValueKind[] Kinds { get; }

    /// <summary>Per row: 0 for a row stored as it is (or absent), t for template t − 1.</summary>
    public byte[] RowTemplates { get; }

    /// <summary>The templates, each its pieces in order (adjacent literals joined).</summary>
    public IReadOnlyList<TemplatePiece[]> Templates { get; }

    /// <summary>Per row the start of its stored text in <see cref="RawBytes"/> (row count + 1 entries; empty for template rows).</summary>
    public int[] RawOffsets { get; }

    public byte[] RawBytes { get; }

    /// <summary>The text of row <paramref name="row"/>, stored as it is (its template number is 0 and it is present).</summary>
    public ReadOnlySpan<byte> Raw(int row) => RawBytes.AsSpan(RawOffsets[row], RawOffsets[row + 1] - RawOffsets[row]);
}

/// <summary>A piece of a template: literal bytes, or (<see cref="Literal"/> null) column <see cref="Column"/> of the block, by its index.</summary>
public readonly record struct TemplatePiece(int Column, byte[]? Literal);
