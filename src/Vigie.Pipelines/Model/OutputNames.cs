using System.Runtime.CompilerServices;
using Vigie.Core;

namespace Vigie.Pipelines.Model;

/// <summary>
/// The name ids of one output batch, looked up by the name string's identity: field names on the fast
/// path are few instances (capture names, cached JSON keys, the input batch's names), so a small table
/// indexed by the string's identity hash answers most look-ups without hashing its characters.
/// </summary>
internal sealed class OutputNames(EventBatch output)
{
    private readonly string?[] _names = new string?[256];
    private readonly int[] _ids = new int[256];

    public EventBatch Output => output;

    public int IdOf(string name)
    {
        var slot = RuntimeHelpers.GetHashCode(name) & 255;
        if (ReferenceEquals(_names[slot], name))
        {
            return _ids[slot];
        }
        var id = output.InternName(name);
        _names[slot] = name;
        _ids[slot] = id;
        return id;
    }
}
