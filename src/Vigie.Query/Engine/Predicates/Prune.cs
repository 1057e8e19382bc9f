namespace Vigie.Query.Engine.Predicates;

/// <summary>What a block's metadata says of a predicate before any data is read.</summary>
public enum Prune
{
    /// <summary>No row of the block can match: skip it.</summary>
    None,

    /// <summary>Some rows may match: decode and test them.</summary>
    Some,

    /// <summary>Every row matches: no need to test rows.</summary>
    All,
}
