namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// What decoding a <see cref="ColumnEncoding.Template"/> column needs besides its own bytes: its place
/// among its block's columns and a way to get any other column of the block decoded (with its texts).
/// </summary>
internal sealed record TemplateReferences(int ColumnCount, int Self, Func<int, Column> Column);
