using System.Text.Json;
using System.Text.Json.Serialization;
using Vigie.Core.Io;

namespace Vigie.Storage.Store;

/// <summary>
/// The list of live parts and the WAL checkpoint, in one small JSON file replaced atomically
/// (write aside, fsync, rename, fsync the directory). A part exists for readers only once the
/// manifest names it; a file the manifest does not name is debris of an interrupted flush or merge.
/// </summary>
public sealed record Manifest
{
    public const int CurrentVersion = 1;
    public const string FileName = "manifest.json";

    public int Version { get; init; } = CurrentVersion;

    /// <summary>WAL segments below this id are fully contained in the parts listed here.</summary>
    public long WalCheckpoint { get; init; } = 1;

    public long NextPartId { get; init; } = 1;

    public IReadOnlyList<PartEntry> Parts { get; init; } = [];

    public static Manifest Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return new Manifest();
        }
        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), ManifestJsonContext.Default.Manifest)
                ?? throw new InvalidDataException("empty manifest");
            if (manifest.Version != CurrentVersion)
            {
                throw new InvalidDataException($"manifest version {manifest.Version} is not supported (this Vigie reads version {CurrentVersion})");
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid manifest: {e.Message}", e);
        }
    }

    public void Save(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var temp = path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(f, this, ManifestJsonContext.Default.Manifest);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Sync(dataDirectory);
    }
}

/// <summary>One live part: where it lives and what it holds.</summary>
/// <param name="Day">The UTC day partition, as days since the epoch.</param>
public sealed record PartEntry(int Day, long Id, long Rows, long MinTime, long MaxTime, long Bytes)
{
    /// <summary>Path of the part file relative to the data directory.</summary>
    public string RelativePath => Path.Combine(StoreLayout.PartsDirectory, Vigie.Core.Timestamps.DayName(Day), $"{Id:D12}{StoreLayout.PartExtension}");
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
