using System.Net.Sockets;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// Takes the datagrams waiting on a UDP socket, several at a time, without blocking and without
/// allocating: the listener's receive loop decodes them, then asks again, and sleeps in
/// <see cref="Socket.Poll(int, SelectMode)"/> only once the socket is drained.
/// </summary>
internal abstract class DatagramReceiver : IDisposable
{
    /// <summary>Every UDP payload fits (65,507 bytes over IPv4, 65,527 over IPv6).</summary>
    public const int SlotBytes = 65536;

    /// <summary>
    /// Receives what is waiting, up to the receiver's batch; 0 when nothing waits. The datagrams stay
    /// valid until the next call.
    /// </summary>
    public abstract int ReceiveWaiting();

    public abstract ReadOnlySpan<byte> Datagram(int index);

    /// <summary>The sender's address as the platform's <c>sockaddr</c> bytes.</summary>
    public abstract ReadOnlySpan<byte> Sender(int index);

    /// <summary>
    /// Datagrams the kernel dropped because the socket's receive buffer was full, since the socket
    /// was opened, as far as this receiver can tell (0 where the platform does not say).
    /// </summary>
    public abstract long KernelDrops { get; }

    public abstract void Dispose();

    /// <summary>The fastest receiver this platform offers for the socket.</summary>
    public static DatagramReceiver For(Socket socket) =>
        OperatingSystem.IsLinux() ? new RecvMmsgReceiver(socket) : new PortableDatagramReceiver(socket);
}
