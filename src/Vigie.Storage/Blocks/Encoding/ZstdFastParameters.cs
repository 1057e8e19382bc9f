namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// The zstd parameters of level 1, the flush's: a hash table of 2^12 entries and matches of at least
/// 7 bytes, where the library chooses both by the payload's size.
/// </summary>
/// <remarks>
/// Measured on the flush's payloads (the flush page, "zstd's share of the flush"): zstd's calls take
/// about 6.5 % less time (141 to 132 ns per event) for the same bytes on disk (merged parts 0.05 byte
/// per event smaller, a flush's payloads 0.04 larger). The smaller table stays in the cache, and
/// shorter matches, which cost a sequence each for little gain, are not looked for. Other
/// levels (merges may ask for more) keep the library's choice. Any zstd frame decodes alike, so
/// readers need nothing.
/// </remarks>
internal static class ZstdFastParameters
{
    public const int Level = 1;

    public const int HashLog = 12;

    public const int MinMatch = 7;

    /// <summary>The hash table's log for <paramref name="level"/>; 0 leaves the library's choice.</summary>
    public static int HashLogFor(int level) => level == Level ? HashLog : 0;

    /// <summary>The shortest match for <paramref name="level"/>; 0 leaves the library's choice.</summary>
    public static int MinMatchFor(int level) => level == Level ? MinMatch : 0;
}
