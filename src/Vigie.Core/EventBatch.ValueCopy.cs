using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigie.Core;

public sealed partial class EventBatch
{
    /// <summary>
    /// Adds a field whose value is <paramref name="length"/> bytes of <paramref name="source"/> from
    /// <paramref name="start"/>: what <see cref="AddField(int, ValueKind, ReadOnlySpan{byte})"/> does with
    /// that slice, for a decoder that holds the whole line.
    /// </summary>
    /// <remarks>
    /// Most values of a log line are short (a level, a status, a host). One of up to 32 bytes is copied
    /// as one 32-byte block when the source has that many bytes from <paramref name="start"/> and the
    /// value buffer that much room: no call to a general copy per value. The bytes past the value land
    /// in the buffer's unused room, which the next value overwrites.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddField(int nameId, ValueKind kind, ReadOnlySpan<byte> source, int start, int length)
    {
        if (Vector256.IsHardwareAccelerated && (uint)length <= (uint)Vector256<byte>.Count
            && start >= 0 && start <= source.Length - Vector256<byte>.Count
            && _byteLength <= _bytes.Length - Vector256<byte>.Count)
        {
            Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)start)
                .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(_bytes), (nuint)_byteLength);
            AddFieldAt(nameId, kind, _byteLength, length);
            return;
        }
        AddField(nameId, kind, source.Slice(start, length));
    }
}
