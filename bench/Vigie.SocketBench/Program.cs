using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Load generator for the socket listeners of a running `vigie serve`: syslog over TCP as fast as
// it goes, GELF over UDP at a fixed rate. It reads the server's /metrics before and after, so the
// numbers are events durably stored, not events sent.

var options = Args.Parse(args);
using var http = new HttpClient { BaseAddress = new Uri(options.Api) };

if (options.Mode == "syslog-tcp")
{
    var before = await Metrics.AcceptedAsync(http, "syslog-tcp");
    var clock = Stopwatch.StartNew();
    var perConnection = options.Count / options.Connections;
    await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(c => Task.Run(() => SendSyslog(options.Target, perConnection, c))));
    var sent = clock.Elapsed;
    var total = (long)perConnection * options.Connections;
    var stored = await Metrics.WaitForAsync(http, "syslog-tcp", before + total, TimeSpan.FromSeconds(120));
    var elapsed = clock.Elapsed;
    Console.WriteLine(FormattableString.Invariant($"syslog-tcp: {total:N0} messages over {options.Connections} connection(s), sent in {sent.TotalSeconds:F2} s, stored {stored - before:N0} in {elapsed.TotalSeconds:F2} s: {(stored - before) / elapsed.TotalSeconds:N0} messages/s"));
}
else if (options.Mode == "gelf-udp")
{
    var before = await Metrics.AcceptedAsync(http, "gelf-udp");
    var dropped = await Metrics.ValueAsync(http, "gelf-udp", "dropped");
    var clock = Stopwatch.StartNew();
    var total = SendGelf(options.Target, options.Rate, options.Seconds);
    var sent = clock.Elapsed;
    var stored = await Metrics.WaitForAsync(http, "gelf-udp", before + total, TimeSpan.FromSeconds(10));
    var droppedAfter = await Metrics.ValueAsync(http, "gelf-udp", "dropped");
    var lost = total - (stored - before);
    Console.WriteLine(FormattableString.Invariant($"gelf-udp: {total:N0} datagrams at {total / sent.TotalSeconds:N0}/s for {sent.TotalSeconds:F1} s: stored {stored - before:N0}, lost {lost:N0} ({100.0 * lost / total:F3} %), counted as dropped by the server {droppedAfter - dropped:N0}"));
}

static void SendSyslog(IPEndPoint target, int count, int connection)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = false };
    socket.Connect(target);
    var buffer = new byte[256 * 1024];
    var used = 0;
    for (var i = 0; i < count; i++)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"<134>1 2026-11-25T10:00:00.000Z bench-host-{connection} app-{i % 8} {i % 1000} - - GET /api/items/{i} 200 {i % 997} ms user=u{i % 5000}\n");
        if (used + line.Length > buffer.Length)
        {
            socket.Send(buffer.AsSpan(0, used));
            used = 0;
        }
        used += Encoding.ASCII.GetBytes(line, buffer.AsSpan(used));
    }
    socket.Send(buffer.AsSpan(0, used));
    socket.Shutdown(SocketShutdown.Send);
    // Wait for the server to close its side: everything was read.
    socket.Receive(new byte[1]);
}

static long SendGelf(IPEndPoint target, int rate, int seconds)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    socket.Connect(target);
    var clock = Stopwatch.StartNew();
    long sent = 0;
    var end = TimeSpan.FromSeconds(seconds);
    var buffer = new byte[1024];
    while (clock.Elapsed < end)
    {
        // Send what is due by now, in small bursts, then yield.
        var due = (long)(clock.Elapsed.TotalSeconds * rate);
        while (sent < due)
        {
            var json = string.Create(CultureInfo.InvariantCulture, $"{{\"version\":\"1.1\",\"host\":\"bench\",\"short_message\":\"GET /api/items/{sent} 200\",\"level\":6,\"_container_name\":\"web-{sent % 4}\",\"_n\":{sent}}}");
            var n = Encoding.ASCII.GetBytes(json, buffer);
            socket.Send(buffer.AsSpan(0, n));
            sent++;
        }
        Thread.Sleep(1);
    }
    return sent;
}

internal sealed record Args(string Mode, IPEndPoint Target, string Api, int Count, int Connections, int Rate, int Seconds)
{
    public static Args Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        if (args.Length == 0 || args[0] is not ("syslog-tcp" or "gelf-udp"))
        {
            Console.Error.WriteLine("usage: vigie-socket-bench syslog-tcp|gelf-udp --target HOST:PORT [--api http://127.0.0.1:9880] [--count N] [--connections C] [--rate R] [--seconds S]");
            Environment.Exit(2);
        }
        var target = IPEndPoint.Parse(Get("target", args[0] == "syslog-tcp" ? "127.0.0.1:5514" : "127.0.0.1:12201"));
        return new Args(args[0], target, Get("api", "http://127.0.0.1:9880"), int.Parse(Get("count", "2000000"), CultureInfo.InvariantCulture),
            int.Parse(Get("connections", "4"), CultureInfo.InvariantCulture), int.Parse(Get("rate", "50000"), CultureInfo.InvariantCulture), int.Parse(Get("seconds", "10"), CultureInfo.InvariantCulture));
    }
}

internal static class Metrics
{
    public static Task<long> AcceptedAsync(HttpClient http, string listener) => ValueAsync(http, listener, "accepted");

    public static async Task<long> ValueAsync(HttpClient http, string listener, string result)
    {
        var text = await http.GetStringAsync("/metrics");
        var prefix = $"vigie_listener_events_total{{listener=\"{listener}\",result=\"{result}\"}} ";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    public static async Task<long> WaitForAsync(HttpClient http, string listener, long target, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        var lastChange = Stopwatch.StartNew();
        while (true)
        {
            var now = await AcceptedAsync(http, listener);
            if (now >= target || clock.Elapsed > timeout)
            {
                return now;
            }
            if (now != last)
            {
                last = now;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > TimeSpan.FromSeconds(2))
            {
                return now; // nothing more is coming (UDP losses)
            }
            await Task.Delay(20);
        }
    }
}
