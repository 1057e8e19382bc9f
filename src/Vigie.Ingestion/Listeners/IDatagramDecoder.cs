namespace Vigie.Ingestion.Listeners;

/// <summary>Turns datagrams into events. Called from one receive loop: it may keep state (chunk reassembly).</summary>
public interface IDatagramDecoder
{
    void Decode(ReadOnlySpan<byte> datagram, DecodeTarget target);
}
