using System.Text;
using Vigie.Core;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>A value held in a part's index (a Const column's value, a Dict column's entries): kind and exact bytes.</summary>
internal readonly record struct DictEntry(ValueKind Kind, byte[] Bytes)
{
    public FieldValue ToFieldValue() => new(Kind, Encoding.UTF8.GetString(Bytes));
}
