using Vigie.Core;

namespace Vigie.Query.Rows;

/// <summary>One row flowing through filters and pipes: a stored event or a result row.</summary>
public interface IRow
{
    /// <summary>The value of a field; null, or a value of kind <see cref="ValueKind.Absent"/>, means the row has none.</summary>
    FieldValue? Get(string name);

    /// <summary>The row's time for <c>_time</c> filters; null when it has none (e.g. stats rows without a time bucket).</summary>
    long? TimeNs { get; }

    /// <summary>All columns in output order.</summary>
    IEnumerable<KeyValuePair<string, FieldValue>> Columns { get; }
}
