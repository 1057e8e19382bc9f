using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Vigie.Core.Io;
using Vigie.Web.Model;

namespace Vigie.Web.Services;

/// <summary>
/// Dashboards on disk, in <c>DATA/dashboards/ID.json</c>, one file each. A save writes a temporary
/// file, flushes it to disk, renames it over the old one and flushes the directory, so a crash leaves
/// either the old dashboard or the new one, never half of one. The first time the folder is created
/// the shipped dashboards are written into it (deleting them afterwards is respected). Thread-safe.
/// </summary>
public sealed partial class DashboardStore
{
    public const string Folder = "dashboards";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly string _dir;
    private readonly Lock _lock = new();

    public DashboardStore(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        _dir = Path.Combine(dataDirectory, Folder);
        if (!Directory.Exists(_dir))
        {
            Directory.CreateDirectory(_dir);
            foreach (var d in DefaultDashboards.All)
            {
                Save(d);
            }
        }
    }

    public static bool IsValidId(string? id) => id is { Length: > 0 and <= 64 } && IdPattern().IsMatch(id);

    /// <summary>All dashboards, by title. A file that does not read is skipped (and left alone for a human to look at).</summary>
    public IReadOnlyList<Dashboard> List()
    {
        var list = new List<Dashboard>();
        foreach (var file in Directory.EnumerateFiles(_dir, "*.json"))
        {
            if (Get(Path.GetFileNameWithoutExtension(file)) is { } d)
            {
                list.Add(d);
            }
        }
        return [.. list.OrderBy(d => d.Title, StringComparer.OrdinalIgnoreCase)];
    }

    public Dashboard? Get(string id)
    {
        if (!IsValidId(id))
        {
            return null;
        }
        try
        {
            var text = File.ReadAllText(PathOf(id));
            var d = JsonSerializer.Deserialize<Dashboard>(text, Json);
            return d is null ? null : d with { Id = id, Panels = d.Panels ?? [] };
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the dashboard durably (see the class comment).</summary>
    public void Save(Dashboard dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        if (!IsValidId(dashboard.Id))
        {
            throw new ArgumentException($"dashboard id '{dashboard.Id}': use 1 to 64 lower-case letters, digits and dashes", nameof(dashboard));
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(dashboard, Json);
        lock (_lock)
        {
            var target = PathOf(dashboard.Id);
            var temp = target + ".tmp";
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
            DirectorySync.Sync(_dir);
        }
    }

    public bool Delete(string id)
    {
        if (!IsValidId(id))
        {
            return false;
        }
        lock (_lock)
        {
            var path = PathOf(id);
            if (!File.Exists(path))
            {
                return false;
            }
            File.Delete(path);
            DirectorySync.Sync(_dir);
            return true;
        }
    }

    /// <summary>A new id from a title: <c>My API errors</c> → <c>my-api-errors</c>, with a suffix when taken.</summary>
    public string NewId(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var slug = SlugChars().Replace(title.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length == 0)
        {
            slug = "dashboard";
        }
        slug = slug.Length > 56 ? slug[..56].Trim('-') : slug;
        var id = slug;
        for (var n = 2; File.Exists(PathOf(id)); n++)
        {
            id = slug + "-" + n;
        }
        return id;
    }

    private string PathOf(string id) => Path.Combine(_dir, id + ".json");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex SlugChars();
}
