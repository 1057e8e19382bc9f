namespace Vigie.Ingestion.Protocols;

/// <summary>
/// How a protocol's JSON document maps onto Vigie's fields: which (dotted) names are the time,
/// which are renamed (<c>message</c> to <c>_msg</c>), which are dropped. Built once per protocol.
/// </summary>
public sealed class JsonFieldMap
{
    private readonly Dictionary<string, string> _renames;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _renameLookup;
    private readonly HashSet<string> _times;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _timeLookup;
    private readonly HashSet<string> _drops;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _dropLookup;

    private readonly HashSet<string> _levels;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _levelLookup;

    public JsonFieldMap(IEnumerable<string> timeFields, IReadOnlyDictionary<string, string> renames, IEnumerable<string>? drops = null, IEnumerable<string>? levelFields = null)
    {
        _levels = new HashSet<string>(levelFields ?? [], StringComparer.Ordinal);
        _levelLookup = _levels.GetAlternateLookup<ReadOnlySpan<char>>();
        _times = new HashSet<string>(timeFields, StringComparer.Ordinal);
        _timeLookup = _times.GetAlternateLookup<ReadOnlySpan<char>>();
        _renames = new Dictionary<string, string>(renames, StringComparer.Ordinal);
        _renameLookup = _renames.GetAlternateLookup<ReadOnlySpan<char>>();
        _drops = new HashSet<string>(drops ?? [], StringComparer.Ordinal);
        _dropLookup = _drops.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool IsTime(ReadOnlySpan<char> name) => _times.Count > 0 && _timeLookup.Contains(name);

    /// <summary>
    /// Whether the field holds the event's severity (<c>level</c>, <c>log.level</c>...): its value is
    /// normalised into <c>level</c>.
    /// </summary>
    public bool IsLevel(ReadOnlySpan<char> name) => _levels.Count > 0 && _levelLookup.Contains(name);

    public bool IsDropped(ReadOnlySpan<char> name) => _drops.Count > 0 && _dropLookup.Contains(name);

    /// <summary>The name a field is stored under: its rename, or null to keep its own.</summary>
    public string? Rename(ReadOnlySpan<char> name) => _renames.Count > 0 && _renameLookup.TryGetValue(name, out var to) ? to : null;
}
