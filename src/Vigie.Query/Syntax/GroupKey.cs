using Vigie.Core;

namespace Vigie.Query.Syntax;

/// <summary>A <c>by</c> key of stats: a field, or <c>_time:1h</c> to group times into buckets of that size.</summary>
public sealed record GroupKey
{
    public GroupKey(string field, long? bucketNs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (bucketNs is not null && (field != FieldNames.Time || bucketNs <= 0))
        {
            throw new ArgumentException("Only _time can be bucketed, by a positive duration.", nameof(bucketNs));
        }
        Field = field;
        BucketNs = bucketNs;
    }

    public string Field { get; }

    public long? BucketNs { get; }

    public override string ToString() => BucketNs is { } b ? $"{FieldNames.Time}:{Durations.Format(b)}" : Lexicon.FormatField(Field);
}
