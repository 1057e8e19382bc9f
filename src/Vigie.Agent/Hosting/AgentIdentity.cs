using Vigie.Core.Io;

namespace Vigie.Agent.Hosting;

/// <summary>
/// The agent's id, made once and kept in its data directory: with the batch's sequence number it forms
/// the idempotency key, so it must not change while records wait in the buffer.
/// </summary>
public static class AgentIdentity
{
    public const string FileName = "agent-id";

    public static string LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (File.Exists(path))
        {
            var id = File.ReadAllText(path).Trim();
            if (id.Length > 0)
            {
                return id;
            }
        }
        var created = Guid.NewGuid().ToString("N");
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(created + "\n"));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Sync(dataDir);
        return created;
    }
}
