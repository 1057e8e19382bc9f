using Vigie.Core;
using Vigie.Storage.Parts;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// What <see cref="ColumnEncoder"/> made of one column: the metadata the index keeps and the stored
/// bytes of its data and bloom segments.
/// </summary>
/// <remarks>The byte spans point into the encoder's buffers: valid until its next <c>Encode</c>.</remarks>
internal readonly ref struct EncodedColumn
{
    public required ColumnEncoding Encoding { get; init; }

    public required PartFormat.KindsLayout KindsLayout { get; init; }

    public required ValueKind UniformKind { get; init; }

    public required int PresentRows { get; init; }

    public required DictEntry[] Entries { get; init; }

    public required double? MinNumber { get; init; }

    public required double? MaxNumber { get; init; }

    public required ReadOnlySpan<byte> Data { get; init; }

    /// <summary>Empty when the column has no bloom filter.</summary>
    public required ReadOnlySpan<byte> Bloom { get; init; }
}
