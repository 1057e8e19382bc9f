using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Vigie.Ingestion.Listeners;

/// <summary>
/// A UDP socket's receive buffer is all that holds datagrams while the receive thread is not running
/// (another process has the core, a garbage collection): the larger, the longer the bursts survived.
/// </summary>
internal static class ReceiveBuffer
{
    public const int DefaultBytes = 8 * 1024 * 1024;

    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;

    public static void Enlarge(Socket socket, int bytes, string listener, ILogger logger)
    {
        // As rsyslog does: with the privilege (CAP_NET_ADMIN) the size is not capped by
        // net.core.rmem_max; without it the ordinary request is capped silently.
        if (!OperatingSystem.IsLinux() || !TryForce(socket, bytes))
        {
            socket.ReceiveBufferSize = bytes;
        }
        // Linux reports twice the size asked for (it counts its bookkeeping).
        var granted = OperatingSystem.IsLinux() ? socket.ReceiveBufferSize / 2 : socket.ReceiveBufferSize;
        if (granted < bytes)
        {
            logger.LogWarning(
                "{Listener}: the UDP receive buffer is {Granted} bytes, not the {Asked} asked for: bursts may be dropped (and counted). Raise the limit with: sysctl -w net.core.rmem_max={Asked}",
                listener, granted, bytes, bytes);
        }
    }

    private static bool TryForce(Socket socket, int bytes)
    {
        try
        {
            // Raw: the socket API maps only the options it knows to the platform's numbers.
            socket.SetRawSocketOption(SolSocket, SoRcvBufForce, BitConverter.GetBytes(bytes));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
