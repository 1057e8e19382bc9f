using Vigie.Storage.Parts;

namespace Vigie.Storage.Store;

/// <summary>
/// A live part and its open reader, reference-counted: the live set holds one reference and each
/// query snapshot one more. When a merge or retention retires the part, its file is deleted only
/// after the last snapshot that can see it is released, so a running query never loses its data.
/// </summary>
public sealed class PartHandle
{
    private readonly string _path;
    private int _references = 1;
    private volatile bool _retired;

    internal PartHandle(PartEntry entry, PartReader reader, string path)
    {
        Entry = entry;
        Reader = reader;
        _path = path;
    }

    public PartEntry Entry { get; }

    public PartReader Reader { get; }

    internal bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Reader.Dispose();
            if (_retired)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (IOException)
                {
                    // Left behind: the next start deletes files the manifest does not name.
                }
            }
        }
    }

    /// <summary>Drops the live set's reference; the file goes when the last snapshot lets go.</summary>
    internal void Retire()
    {
        _retired = true;
        Release();
    }
}
