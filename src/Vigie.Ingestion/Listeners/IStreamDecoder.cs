namespace Vigie.Ingestion.Listeners;

/// <summary>
/// Turns the bytes of one connection into events. One instance per connection: it may keep framing
/// state between calls (e.g. the rest of an oversized frame to skip).
/// </summary>
public interface IStreamDecoder
{
    /// <summary>
    /// Decodes every whole frame at the start of <paramref name="buffer"/> into the target and returns the
    /// number of bytes consumed; the rest is given again, with more bytes, at the next call.
    /// </summary>
    int Decode(ReadOnlySpan<byte> buffer, DecodeTarget target);

    /// <summary>The connection ended with <paramref name="rest"/> not yet consumed (a last frame without terminator).</summary>
    void DecodeLast(ReadOnlySpan<byte> rest, DecodeTarget target);

    /// <summary>
    /// The buffer is full and holds no whole frame: the frame is too long. Returns true when the decoder
    /// can skip it (it drops <paramref name="buffer"/> and resynchronises), false when the connection must close.
    /// </summary>
    bool Overflow(ReadOnlySpan<byte> buffer, DecodeTarget target);

    /// <summary>Bytes to send back once the events decoded so far are durable (Fluent Forward acks); empty when none.</summary>
    ReadOnlyMemory<byte> TakeReply();
}
