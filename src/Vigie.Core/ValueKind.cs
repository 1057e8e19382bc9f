namespace Vigie.Core;

/// <summary>
/// The JSON type a field value arrived with. Persisted in the WAL and in parts: never renumber.
/// </summary>
/// <remarks>
/// <see cref="Absent"/> marks a row that has no value for a column; it is never the kind of a field
/// that exists.
/// </remarks>
public enum ValueKind : byte
{
    Absent = 0,
    String = 1,
    Number = 2,
    Bool = 3,

    /// <summary>A JSON array kept as its raw text, so that it round-trips.</summary>
    Json = 4,
}
