using System.Net;
using System.Net.Sockets;

namespace Vigie.Ingestion.Listeners;

/// <summary>One datagram per call through the socket API, on platforms without <c>recvmmsg</c>.</summary>
internal sealed class PortableDatagramReceiver(Socket socket) : DatagramReceiver
{
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(SlotBytes);
    private readonly SocketAddress _sender = new(socket.AddressFamily);
    private int _length;

    public override int ReceiveWaiting()
    {
        if (socket.Available == 0)
        {
            return 0;
        }
        _length = socket.ReceiveFrom(_buffer, SocketFlags.None, _sender);
        return 1;
    }

    public override ReadOnlySpan<byte> Datagram(int index) => _buffer.AsSpan(0, _length);

    public override ReadOnlySpan<byte> Sender(int index) => _sender.Buffer.Span[.._sender.Size];

    public override long KernelDrops => 0;

    public override void Dispose()
    {
    }
}
