namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// How a column's values are stored in a block. Persisted in part indexes: never renumber
/// (the golden test in the part tests freezes these numbers).
/// </summary>
public enum ColumnEncoding : byte
{
    /// <summary>Every row present with the same kind and bytes; the value lives in the index, the data segment is empty.</summary>
    Const = 1,

    /// <summary>Few distinct values, kept in the index; one byte per present row picks one.</summary>
    Dict = 2,

    /// <summary>Numbers whose text is the canonical integer text; zigzag deltas as varints.</summary>
    Int64 = 3,

    /// <summary>Numbers whose text is exactly the shortest round-trip text of a double; 8 bytes each.</summary>
    Float64 = 4,

    /// <summary>Anything else: lengths as varints, then the bytes.</summary>
    Raw = 5,

    /// <summary>Canonical dotted-quad IPv4 addresses (<c>10.0.0.1</c>, not <c>010.0.0.1</c>): 4 bytes each. Since part format 2.</summary>
    Ipv4 = 6,

    /// <summary>Numbers whose text is a plain canonical decimal (<c>12.5</c>, <c>-0.034</c>): a shared scale, then each value times 10^scale as a zigzag varint. Since part format 2.</summary>
    Decimal = 7,

    /// <summary>Canonical integers as for Int64, stored as the smallest value and each value's offset from it bit-packed at one width. Since part format 2.</summary>
    PackedInt64 = 8,

    /// <summary>
    /// Texts rebuilt from other columns of the same block: a few templates of literal bytes and references
    /// to other columns, one template number per row, rows that fit none stored as they are. Since part format 3.
    /// </summary>
    Template = 9,
}
