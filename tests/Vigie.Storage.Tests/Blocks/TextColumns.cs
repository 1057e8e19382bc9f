using System.Text;
using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>Text columns for the tokenizer and bloom filter properties.</summary>
internal static class TextColumns
{
    /// <summary>A column of strings; <paramref name="padding"/> bytes after its end in the array (letters when positive, non-ASCII when negative), which no scan may read as values.</summary>
    public static Column Make(string?[] values, int padding)
    {
        var kinds = new ValueKind[values.Length];
        var offsets = new int[values.Length + 1];
        var bytes = new List<byte>();
        for (var r = 0; r < values.Length; r++)
        {
            if (values[r] is { } v)
            {
                kinds[r] = ValueKind.String;
                bytes.AddRange(Encoding.UTF8.GetBytes(v));
            }
            offsets[r + 1] = bytes.Count;
        }
        bytes.AddRange(Enumerable.Repeat(padding > 0 ? (byte)'Q' : (byte)0xC3, Math.Abs(padding)));
        return new Column("c", kinds, offsets, [.. bytes]);
    }
}
