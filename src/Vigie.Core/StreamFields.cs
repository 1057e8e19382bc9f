namespace Vigie.Core;

/// <summary>
/// The names of the fields that identify an event's source (e.g. <c>host</c>, <c>service</c>), chosen
/// per ingest request. Sorted and distinct, so that the same set always makes the same stream key.
/// </summary>
public sealed class StreamFields
{
    private readonly string[] _names;

    public static readonly StreamFields None = new([]);

    public StreamFields(IEnumerable<string> names)
    {
        _names = [.. names.Select(n => n.Trim()).Where(n => n.Length > 0 && !FieldNames.IsReserved(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Parses the <c>stream=host,service</c> query parameter.</summary>
    public static StreamFields Parse(string? commaSeparated) =>
        string.IsNullOrWhiteSpace(commaSeparated) ? None : new StreamFields(commaSeparated.Split(','));

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    public bool Contains(string name) => Array.IndexOf(_names, name) >= 0;

    public override string ToString() => string.Join(',', _names);
}
