using System.Net.Sockets;
using System.Text;

namespace Vigie.Clients.Tests;

/// <summary>Debian's shippers: rsyslog's omelasticsearch and systemd-journal-upload.</summary>
public sealed class ShipperTests : IAsyncLifetime
{
    private ClientServer _server = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await ClientServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("vigie-shippers-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RsyslogOmelasticsearch_SyslogLines_AreStoredThroughBulk()
    {
        var run = Guid.NewGuid().ToString("N");
        var tcpPort = ClientServer.FreePort();
        var httpPort = new Uri(_server.BaseUrl).Port;
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        var config = Path.Combine(_dir, "rsyslog.conf");
        await File.WriteAllTextAsync(config, $$"""
            global(workDirectory="{{work}}")
            module(load="imtcp")
            input(type="imtcp" port="{{tcpPort}}" address="127.0.0.1")
            module(load="omelasticsearch")
            template(name="es" type="list" option.json="on") {
              constant(value="{\"@timestamp\":\"") property(name="timereported" dateFormat="rfc3339")
              constant(value="\",\"message\":\"") property(name="msg" droplastlf="on")
              constant(value="\",\"host\":\"") property(name="hostname")
              constant(value="\",\"program\":\"") property(name="programname")
              constant(value="\"}")
            }
            action(type="omelasticsearch" server="127.0.0.1" serverport="{{httpPort}}" template="es"
                   searchIndex="rsyslog-logs" bulkmode="on" errorFile="{{_dir}}/es-errors.json")
            """);
        using var rsyslog = ChildProcess.Start("/usr/sbin/rsyslogd", "-n", "-f", config, "-i", Path.Combine(_dir, "rsyslogd.pid"));
        using var tcp = await ConnectAsync(tcpPort, rsyslog);
        var lines = new StringBuilder();
        for (var i = 1; i <= 3; i++)
        {
            lines.Append($"<14>Nov 25 10:00:0{i} web-3 nginx[12]: rsyslog line {i} run={run}\n");
        }
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(lines.ToString()));
        await tcp.GetStream().FlushAsync();

        var rows = await _server.QueryUntilAsync($"\"run={run}\"", 3);

        Assert.True(rows.Count == 3, $"expected 3 rows, got {rows.Count}; rsyslogd said:\n{rsyslog.Output}\n{ErrorFile()}");
        Assert.Equal([$"rsyslog line 1 run={run}", $"rsyslog line 2 run={run}", $"rsyslog line 3 run={run}"], rows.Messages().Select(m => m.Trim()));
        Assert.All(rows, r => Assert.Equal("web-3", r.Text("host")));
        Assert.All(rows, r => Assert.Equal("nginx", r.Text("program")));
        Assert.All(rows, r => Assert.Equal("rsyslog-logs", r.Text("_index")));
        Assert.False(File.Exists(Path.Combine(_dir, "es-errors.json")), ErrorFile());
    }

    [Fact]
    public async Task SystemdJournalUpload_JournalFile_IsStoredWithMappedFields()
    {
        var run = Guid.NewGuid().ToString("N");
        // A journal file made the way a remote journal is: systemd-journal-remote from export format.
        var export = Path.Combine(_dir, "in.export");
        var binary = new MemoryStream();
        void Text(string s) => binary.Write(Encoding.UTF8.GetBytes(s));
        Text($"__REALTIME_TIMESTAMP=1764064800000000\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=backup started {run}\n_HOSTNAME=node-1\nSYSLOG_IDENTIFIER=backup\nPRIORITY=6\nRUN={run}\n\n");
        Text($"__REALTIME_TIMESTAMP=1764064801000000\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=node-1\n_SYSTEMD_UNIT=backup.service\nPRIORITY=3\nRUN={run}\nMESSAGE\n");
        var message = Encoding.UTF8.GetBytes($"backup failed\nline two {run}");
        binary.Write(BitConverter.GetBytes((ulong)message.Length));
        binary.Write(message);
        Text("\n\n");
        await File.WriteAllBytesAsync(export, binary.ToArray());
        var journal = Path.Combine(_dir, "remote.journal");
        using (var remote = ChildProcess.Start("/lib/systemd/systemd-journal-remote", "--output=" + journal, export))
        {
            Assert.True(await remote.WaitAsync(TimeSpan.FromSeconds(30)) == 0, remote.Output);
        }

        using var upload = ChildProcess.Start("/lib/systemd/systemd-journal-upload", "--url=" + _server.BaseUrl, "--file=" + journal, "--follow=no", "--save-state=" + Path.Combine(_dir, "state"));
        Assert.True(await upload.WaitAsync(TimeSpan.FromSeconds(30)) == 0, upload.Output);

        var rows = await _server.QueryUntilAsync($"RUN:{run}", 2);
        Assert.Equal([$"backup failed\nline two {run}", $"backup started {run}"], rows.Messages());
        var started = rows.Single(r => r.Text("_msg").StartsWith("backup started", StringComparison.Ordinal));
        Assert.Equal("node-1", started.Text("host"));
        Assert.Equal("backup", started.Text("service"));
        Assert.Equal("info", started.Text("level"));
        Assert.Equal("2025-11-25T10:00:00Z", started.Text("_time"));
        var failed = rows.Single(r => r.Text("_msg").StartsWith("backup failed", StringComparison.Ordinal));
        // Without SYSLOG_IDENTIFIER the service is the unit's name, as the agent names it.
        Assert.Equal("backup", failed.Text("service"));
        Assert.Equal("backup.service", failed.Text("_SYSTEMD_UNIT"));
        Assert.Equal("error", failed.Text("level"));
    }

    private string ErrorFile()
    {
        var path = Path.Combine(_dir, "es-errors.json");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    private static async Task<TcpClient> ConnectAsync(int port, ChildProcess owner)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return client;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !owner.HasExited)
            {
                client.Dispose();
                await Task.Delay(50);
            }
            catch
            {
                client.Dispose();
                throw new InvalidOperationException("rsyslogd does not listen: " + owner.Output);
            }
        }
    }
}
