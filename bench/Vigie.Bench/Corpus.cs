using System.Globalization;
using System.Text;

namespace Vigie.Bench;

/// <summary>Where one HTTP request body lies in a generated file.</summary>
internal readonly record struct Chunk(long Offset, int Length, int Events);

/// <summary>What the generator knows about the corpus, to check both systems' answers against.</summary>
internal sealed class CorpusFacts
{
    public long Events { get; set; }
    public long NdjsonBytes { get; set; }
    public long TsvBytes { get; set; }
    public long RareCount { get; set; }
    public long CommonCount { get; set; }
    public long PhraseCount { get; set; }
    public SortedDictionary<string, long> Nginx5xxByHost { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ByService { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<long, long> ByHour { get; } = [];
    public long DistinctClientIps { get; set; }
    public double DurationP99 { get; set; }
    public List<Chunk> NdjsonChunks { get; } = [];
    public List<Chunk> TsvChunks { get; } = [];
}

/// <summary>
/// A deterministic mix of web access, application and system logs, written once as NDJSON (for
/// Vigie) and once as TSV (for ClickHouse) so that both receive exactly the same events.
/// </summary>
internal sealed class Corpus
{
    public const string RareWord = "kzq7vxw3jplm";
    public const string CommonWord = "connection";
    public const string Phrase = "connection refused";
    public const int RarePlants = 10;

    private static readonly TimeSpan Span = TimeSpan.FromHours(4);

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36",
        "curl/8.4.0",
        "Go-http-client/1.1",
        "python-requests/2.31.0",
        "okhttp/4.12.0",
        "Prometheus/2.48.0",
        "kube-probe/1.28",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Apache-HttpClient/4.5.14 (Java/17.0.9)",
        "axios/1.6.2",
        "Wget/1.21.4",
    ];

    private static readonly string[] Methods = ["GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD"];
    private static readonly string[] AppServices = ["checkout", "payments", "users", "search", "inventory", "notifications", "auth", "billing", "catalog", "shipping", "recommendations", "media"];
    private static readonly string[] Levels = ["debug", "info", "info", "info", "info", "info", "warn", "error"];
    private static readonly string[] AppMessages =
    [
        "request completed", "order placed", "payment authorized", "payment declined: insufficient funds", "cache miss for key",
        "user logged in", "user logged out", "token refreshed", "rate limit exceeded", "retrying upstream call",
        "slow query detected", "message published to queue", "message consumed from queue", "feature flag evaluated",
        "session expired", "inventory reserved", "inventory released", "email queued", "webhook delivered", "webhook delivery failed",
    ];
    private static readonly string[] Users = ["root", "admin", "deploy", "ubuntu", "git", "postgres", "backup", "test", "oracle", "ansible"];
    private static readonly string[] Tables = ["orders", "users", "payments", "sessions", "products", "inventory", "events", "audit_log"];
    private static readonly string[] CronJobs = ["/usr/local/bin/backup.sh", "/usr/lib/php/sessionclean", "run-parts /etc/cron.hourly", "/opt/app/bin/rotate-keys", "test -x /usr/sbin/anacron", "/usr/local/bin/report --daily"];
    private static readonly string[] Resources = ["users", "orders", "products", "carts", "sessions", "invoices", "reviews", "coupons", "addresses", "payments", "shipments", "wishlists"];

    // Neither the common word nor the phrase occurs inside a longer word anywhere in the corpus
    // (no "disconnection"), so ClickHouse's substring search and Vigie's word search must agree.
    private readonly long _events;
    private readonly Random _random;
    private readonly string[] _hosts;
    private readonly string[] _paths;
    private readonly string[] _ips;
    private readonly long _startNs;
    private readonly HashSet<long> _rareAt = [];

    public Corpus(long events, int seed, DateTimeOffset end)
    {
        _events = events;
        _random = new Random(seed);
        var endNs = (end.ToUnixTimeMilliseconds() / 1000) * 1_000_000_000L;
        _startNs = endNs - (long)Span.TotalSeconds * 1_000_000_000L;
        _hosts = MakeHosts();
        _paths = MakePaths(_random, 6000);
        _ips = MakeIps(_random, 150_000);
        for (var k = 0; k < RarePlants && k < events; k++)
        {
            _rareAt.Add(k * (events / RarePlants) + events / (2 * RarePlants));
        }
    }

    private static string[] MakeHosts()
    {
        var hosts = new List<string>();
        foreach (var (prefix, n) in new[] { ("web", 12), ("api", 8), ("db", 4), ("worker", 10), ("edge", 6) })
        {
            for (var i = 1; i <= n; i++)
            {
                hosts.Add($"{prefix}-{i:00}");
            }
        }
        return [.. hosts];
    }

    private static string[] MakePaths(Random r, int n)
    {
        var paths = new string[n];
        for (var i = 0; i < n; i++)
        {
            var res = Resources[r.Next(Resources.Length)];
            paths[i] = r.Next(10) switch
            {
                < 4 => $"/api/v{1 + r.Next(2)}/{res}/{r.Next(100_000)}",
                < 6 => $"/api/v1/{res}/{r.Next(100_000)}/{Resources[r.Next(Resources.Length)]}",
                < 7 => $"/static/js/app.{r.Next(0x10000000):x7}.js",
                < 8 => $"/static/img/{res}/{r.Next(5000)}.webp",
                < 9 => $"/{res}/{Slug(r)}",
                _ => $"/api/v1/{res}?page={r.Next(50)}&limit={(r.Next(3) + 1) * 25}",
            };
        }
        paths[0] = "/healthz";
        paths[1] = "/metrics";
        return paths;
    }

    private static string Slug(Random r)
    {
        string[] words = ["blue", "classic", "summer", "linen", "shirt", "wool", "boots", "desk", "lamp", "oak", "coffee", "mug", "travel", "bag", "garden", "chair"];
        return $"{words[r.Next(words.Length)]}-{words[r.Next(words.Length)]}-{r.Next(1000)}";
    }

    private static string[] MakeIps(Random r, int n)
    {
        var ips = new string[n];
        for (var i = 0; i < n; i++)
        {
            ips[i] = r.Next(4) switch
            {
                0 => $"10.{r.Next(256)}.{r.Next(256)}.{1 + r.Next(254)}",
                _ => $"{1 + r.Next(223)}.{r.Next(256)}.{r.Next(256)}.{1 + r.Next(254)}",
            };
        }
        return ips;
    }

    /// <summary>A skewed pick: low indexes are much more frequent, as with real traffic.</summary>
    private int Skewed(int n)
    {
        var u = _random.NextDouble();
        return (int)(n * u * u * u);
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }

    /// <summary>One event's fields; the same values go to both files.</summary>
    private sealed class Ev
    {
        public long TimeNs;
        public string Host = "";
        public string Service = "";
        public string Level = "";
        public string Msg = "";
        public string MsgField = "_msg";
        public string Method = "";
        public string Path = "";
        public int Status;
        public long Bytes;
        public int DurationMicros;
        public string ClientIp = "";
        public string UserAgent = "";
        public string RequestId = "";
        public string TraceId = "";
        public string UserId = "";
    }

    public CorpusFacts Write(string ndjsonPath, string tsvPath, int bodyBytes)
    {
        var facts = new CorpusFacts { Events = _events };
        var distinctIps = new HashSet<string>(StringComparer.Ordinal);
        var durations = new List<int>();
        using var nd = new FileStream(ndjsonPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var tsv = new FileStream(tsvPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var sb = new StringBuilder(1024);
        var tb = new StringBuilder(1024);
        var buf = new byte[64 * 1024];
        long ndStart = 0, tsvStart = 0;
        int ndEvents = 0, tsvEvents = 0;
        var ev = new Ev();
        var spanNs = (long)Span.TotalSeconds * 1_000_000_000L;
        for (long i = 0; i < _events; i++)
        {
            Fill(ev, i, spanNs);
            facts.ByService[ev.Service] = facts.ByService.GetValueOrDefault(ev.Service) + 1;
            var hour = ev.TimeNs / 3_600_000_000_000L * 3600;
            facts.ByHour[hour] = facts.ByHour.GetValueOrDefault(hour) + 1;
            if (ev.Msg.Contains(RareWord, StringComparison.OrdinalIgnoreCase))
            {
                facts.RareCount++;
            }
            if (ev.Msg.Contains(CommonWord, StringComparison.OrdinalIgnoreCase))
            {
                facts.CommonCount++;
            }
            if (ev.Msg.Contains(Phrase, StringComparison.OrdinalIgnoreCase))
            {
                facts.PhraseCount++;
            }
            if (ev.Service == "nginx" && ev.Status >= 500)
            {
                facts.Nginx5xxByHost[ev.Host] = facts.Nginx5xxByHost.GetValueOrDefault(ev.Host) + 1;
            }
            if (ev.ClientIp.Length > 0)
            {
                distinctIps.Add(ev.ClientIp);
            }
            if (ev.DurationMicros > 0)
            {
                durations.Add(ev.DurationMicros);
            }

            sb.Clear();
            WriteJson(sb, ev);
            var n = Encode(sb, ref buf);
            nd.Write(buf, 0, n);
            ndEvents++;
            if (nd.Position - ndStart >= bodyBytes)
            {
                facts.NdjsonChunks.Add(new Chunk(ndStart, (int)(nd.Position - ndStart), ndEvents));
                ndStart = nd.Position;
                ndEvents = 0;
            }

            tb.Clear();
            WriteTsv(tb, ev);
            n = Encode(tb, ref buf);
            tsv.Write(buf, 0, n);
            tsvEvents++;
            if (tsv.Position - tsvStart >= bodyBytes)
            {
                facts.TsvChunks.Add(new Chunk(tsvStart, (int)(tsv.Position - tsvStart), tsvEvents));
                tsvStart = tsv.Position;
                tsvEvents = 0;
            }
        }
        if (ndEvents > 0)
        {
            facts.NdjsonChunks.Add(new Chunk(ndStart, (int)(nd.Position - ndStart), ndEvents));
        }
        if (tsvEvents > 0)
        {
            facts.TsvChunks.Add(new Chunk(tsvStart, (int)(tsv.Position - tsvStart), tsvEvents));
        }
        facts.NdjsonBytes = nd.Position;
        facts.TsvBytes = tsv.Position;
        facts.DistinctClientIps = distinctIps.Count;
        if (durations.Count > 0)
        {
            durations.Sort();
            // Nearest rank, as Vigie defines p99.
            var rank = (int)Math.Ceiling(0.99 * durations.Count);
            facts.DurationP99 = durations[Math.Max(rank, 1) - 1] / 1000.0;
        }
        return facts;
    }

    private static int Encode(StringBuilder sb, ref byte[] buf)
    {
        var max = Encoding.UTF8.GetMaxByteCount(sb.Length);
        if (max > buf.Length)
        {
            buf = new byte[max];
        }
        var n = 0;
        foreach (var chunk in sb.GetChunks())
        {
            n += Encoding.UTF8.GetBytes(chunk.Span, buf.AsSpan(n));
        }
        return n;
    }

    private void Fill(Ev ev, long i, long spanNs)
    {
        // Mostly in time order with a little jitter, as events from many shippers arrive.
        var baseNs = _startNs + (long)((double)i / _events * spanNs);
        var jitter = _random.NextInt64(0, 2_000_000_000L) - 1_000_000_000L;
        ev.TimeNs = Math.Clamp(baseNs + jitter, _startNs, _startNs + spanNs - 1);
        ev.Level = ev.Msg = ev.Method = ev.Path = ev.ClientIp = ev.UserAgent = ev.RequestId = ev.TraceId = ev.UserId = "";
        ev.Status = 0;
        ev.Bytes = 0;
        ev.DurationMicros = 0;
        var id = Mix((ulong)i);
        var kind = _random.Next(100);
        if (_rareAt.Contains(i))
        {
            kind = 50;
        }
        if (kind < 48)
        {
            Access(ev, id);
        }
        else if (kind < 70)
        {
            App(ev, id, _rareAt.Contains(i));
        }
        else if (kind < 78)
        {
            Sshd(ev);
        }
        else if (kind < 87)
        {
            Postgres(ev);
        }
        else if (kind < 92)
        {
            NginxError(ev);
        }
        else if (kind < 96)
        {
            Kernel(ev);
        }
        else
        {
            Cron(ev);
        }
    }

    private string HostOf(string prefix)
    {
        var n = prefix switch { "web" => 12, "api" => 8, "db" => 4, "worker" => 10, _ => 6 };
        var offset = prefix switch { "web" => 0, "api" => 12, "db" => 20, "worker" => 24, _ => 34 };
        return _hosts[offset + _random.Next(n)];
    }

    private void Access(Ev ev, ulong id)
    {
        var edge = _random.Next(5) == 0;
        ev.Host = HostOf(edge ? "edge" : "web");
        ev.Service = edge ? "haproxy" : "nginx";
        ev.Method = Methods[_random.Next(Methods.Length)];
        ev.Path = _paths[Skewed(_paths.Length)];
        var s = _random.Next(1000);
        ev.Status = s switch
        {
            < 820 => 200,
            < 850 => 201,
            < 870 => 204,
            < 900 => 304,
            < 930 => 301,
            < 955 => 404,
            < 965 => 400,
            < 972 => 401,
            < 978 => 403,
            < 982 => 429,
            < 990 => 500,
            < 995 => 502,
            < 998 => 503,
            _ => 504,
        };
        ev.Bytes = ev.Status is 204 or 304 ? 0 : 200 + (long)(_random.NextDouble() * _random.NextDouble() * 80_000);
        var d = 0.2 + (-Math.Log(1 - _random.NextDouble()) * 35.0);
        if (_random.Next(100) == 0)
        {
            d += _random.Next(2000);
        }
        ev.DurationMicros = (int)(d * 1000);
        ev.ClientIp = _ips[Skewed(_ips.Length)];
        ev.UserAgent = UserAgents[Skewed(UserAgents.Length)];
        ev.RequestId = id.ToString("x16", CultureInfo.InvariantCulture);
        ev.Msg = $"{ev.ClientIp} \"{ev.Method} {ev.Path} HTTP/1.1\" {ev.Status} {ev.Bytes} {ev.DurationMicros / 1000.0:0.###}ms";
        ev.MsgField = "_msg";
    }

    private void App(Ev ev, ulong id, bool rare)
    {
        ev.Service = AppServices[_random.Next(AppServices.Length)];
        ev.Host = HostOf(_random.Next(3) == 0 ? "worker" : "api");
        ev.Level = Levels[_random.Next(Levels.Length)];
        ev.TraceId = id.ToString("x16", CultureInfo.InvariantCulture) + Mix(id).ToString("x16", CultureInfo.InvariantCulture);
        ev.UserId = "u" + _random.Next(500_000).ToString(CultureInfo.InvariantCulture);
        ev.MsgField = "msg";
        if (rare)
        {
            ev.Level = "error";
            ev.Msg = $"unexpected token {RareWord} in payload from partner feed";
            return;
        }
        ev.Msg = _random.Next(40) switch
        {
            0 => $"dial tcp 10.0.{_random.Next(8)}.{_random.Next(1, 250)}:5432: connect: connection refused",
            1 => $"upstream connection reset after {_random.Next(1, 30_000)}ms",
            _ => AppMessages[_random.Next(AppMessages.Length)] + (_random.Next(3) == 0 ? $" order_id={_random.Next(10_000_000)}" : ""),
        };
        if (ev.Msg.StartsWith("dial", StringComparison.Ordinal) || ev.Msg.StartsWith("upstream", StringComparison.Ordinal))
        {
            ev.Level = "error";
        }
    }

    private void Sshd(Ev ev)
    {
        ev.Service = "sshd";
        ev.Host = _hosts[_random.Next(_hosts.Length)];
        ev.MsgField = "message";
        var ip = _ips[_random.Next(_ips.Length)];
        var port = _random.Next(1024, 65536);
        var pid = _random.Next(1000, 60000);
        var user = Users[_random.Next(Users.Length)];
        ev.Msg = _random.Next(6) switch
        {
            0 => $"sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 SHA256:{Mix((ulong)pid):x16}",
            1 => $"sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
            2 => $"sshd[{pid}]: Connection closed by authenticating user {user} {ip} port {port} [preauth]",
            3 => $"sshd[{pid}]: Disconnected from user {user} {ip} port {port}",
            4 => $"sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid={_random.Next(0, 2000)}) by (uid=0)",
            _ => $"sshd[{pid}]: Received disconnect from {ip} port {port}:11: disconnected by user",
        };
    }

    private void Postgres(Ev ev)
    {
        ev.Service = "postgres";
        ev.Host = HostOf("db");
        ev.MsgField = "message";
        var pid = _random.Next(1000, 60000);
        var table = Tables[_random.Next(Tables.Length)];
        ev.Msg = _random.Next(8) switch
        {
            0 => $"[{pid}] LOG:  connection received: host={_ips[_random.Next(2000)]} port={_random.Next(1024, 65536)}",
            1 => $"[{pid}] LOG:  connection authorized: user=app database=shop application_name=psql",
            2 => $"[{pid}] LOG:  duration: {_random.Next(1, 90_000) / 10.0:0.0} ms  statement: SELECT * FROM {table} WHERE id = {_random.Next(1_000_000)}",
            3 => $"[{pid}] LOG:  checkpoint complete: wrote {_random.Next(10, 5000)} buffers ({_random.Next(1, 30) / 10.0:0.0}%); 0 WAL file(s) added, 0 removed, 1 recycled",
            4 => $"[{pid}] ERROR:  duplicate key value violates unique constraint \"{table}_pkey\"",
            5 => $"[{pid}] LOG:  automatic vacuum of table \"shop.public.{table}\": index scans: 1",
            6 => $"[{pid}] FATAL:  terminating connection due to administrator command",
            _ => $"[{pid}] LOG:  session ended: session time: 0:00:{_random.Next(10, 60)}.{_random.Next(1000):000} user=app database=shop host={_ips[_random.Next(2000)]}",
        };
    }

    private void NginxError(Ev ev)
    {
        ev.Service = "nginx";
        ev.Host = HostOf("web");
        ev.MsgField = "message";
        var pid = _random.Next(1000, 9000);
        var conn = _random.Next(1, 10_000_000);
        var path = _paths[Skewed(_paths.Length)];
        var ip = _ips[Skewed(_ips.Length)];
        var upstream = $"10.0.{_random.Next(8)}.{_random.Next(1, 250)}:8080";
        ev.Msg = _random.Next(4) switch
        {
            0 => $"[error] {pid}#0: *{conn} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: shop, request: \"GET {path} HTTP/1.1\", upstream: \"http://{upstream}{path}\"",
            1 => $"[error] {pid}#0: *{conn} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: shop, request: \"GET {path} HTTP/1.1\"",
            2 => $"[warn] {pid}#0: *{conn} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{_random.Next(100)}/{_random.Next(100000)} while reading upstream, client: {ip}",
            _ => $"[error] {pid}#0: *{conn} open() \"/usr/share/nginx/html{path}\" failed (2: No such file or directory), client: {ip}, server: shop",
        };
    }

    private void Kernel(Ev ev)
    {
        ev.Service = "kernel";
        ev.Host = _hosts[_random.Next(_hosts.Length)];
        ev.MsgField = "message";
        var t = _random.Next(100_000, 9_999_999);
        ev.Msg = _random.Next(5) switch
        {
            0 => $"[{t}.{_random.Next(1_000_000):000000}] TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.",
            1 => $"[{t}.{_random.Next(1_000_000):000000}] Out of memory: Killed process {_random.Next(1000, 60000)} (java) total-vm:{_random.Next(1_000_000, 9_000_000)}kB, anon-rss:{_random.Next(100_000, 4_000_000)}kB",
            2 => $"[{t}.{_random.Next(1_000_000):000000}] eth0: Link is Up - 10Gbps/Full - flow control rx/tx",
            3 => $"[{t}.{_random.Next(1_000_000):000000}] EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode",
            _ => $"[{t}.{_random.Next(1_000_000):000000}] nf_conntrack: nf_conntrack: table full, dropping packet",
        };
    }

    private void Cron(Ev ev)
    {
        ev.Service = "cron";
        ev.Host = _hosts[_random.Next(_hosts.Length)];
        ev.MsgField = "message";
        ev.Msg = $"CRON[{_random.Next(1000, 60000)}]: (root) CMD ({CronJobs[_random.Next(CronJobs.Length)]})";
    }

    private static string Rfc3339(long ns)
    {
        var t = DateTime.UnixEpoch.AddTicks(ns / 100);
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + (ns % 1_000_000_000).ToString("000000000", CultureInfo.InvariantCulture) + "Z";
    }

    private static void WriteJson(StringBuilder sb, Ev ev)
    {
        sb.Append("{\"_time\":\"").Append(Rfc3339(ev.TimeNs)).Append("\",\"host\":\"").Append(ev.Host)
            .Append("\",\"service\":\"").Append(ev.Service).Append('"');
        if (ev.Level.Length > 0)
        {
            sb.Append(",\"level\":\"").Append(ev.Level).Append('"');
        }
        if (ev.Method.Length > 0)
        {
            sb.Append(",\"method\":\"").Append(ev.Method).Append("\",\"path\":\"");
            JsonEscape(sb, ev.Path);
            sb.Append("\",\"status\":").Append(ev.Status).Append(",\"bytes\":").Append(ev.Bytes)
                .Append(",\"duration\":").Append((ev.DurationMicros / 1000.0).ToString("0.###", CultureInfo.InvariantCulture))
                .Append(",\"client_ip\":\"").Append(ev.ClientIp).Append("\",\"user_agent\":\"").Append(ev.UserAgent)
                .Append("\",\"request_id\":\"").Append(ev.RequestId).Append('"');
        }
        if (ev.TraceId.Length > 0)
        {
            sb.Append(",\"trace_id\":\"").Append(ev.TraceId).Append("\",\"user_id\":\"").Append(ev.UserId).Append('"');
        }
        sb.Append(",\"").Append(ev.MsgField).Append("\":\"");
        JsonEscape(sb, ev.Msg);
        sb.Append("\"}\n");
    }

    private static void JsonEscape(StringBuilder sb, string s)
    {
        foreach (var c in s)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
    }

    private static void TsvEscape(StringBuilder sb, string s)
    {
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>Columns in the order of <see cref="ClickHouse.CreateTable"/>.</summary>
    private static void WriteTsv(StringBuilder sb, Ev ev)
    {
        var t = DateTime.UnixEpoch.AddTicks(ev.TimeNs / 100);
        sb.Append(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append('\t')
            .Append(ev.TimeNs % 1_000_000_000).Append('\t')
            .Append(ev.Service).Append('\t').Append(ev.Host).Append('\t').Append(ev.Level).Append('\t');
        TsvEscape(sb, ev.Msg);
        sb.Append('\t').Append(ev.Method).Append('\t');
        TsvEscape(sb, ev.Path);
        sb.Append('\t').Append(ev.Status).Append('\t').Append(ev.Bytes).Append('\t')
            .Append((ev.DurationMicros / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)).Append('\t')
            .Append(ev.ClientIp).Append('\t').Append(ev.UserAgent).Append('\t').Append(ev.RequestId).Append('\t')
            .Append(ev.TraceId).Append('\t').Append(ev.UserId).Append('\n');
    }
}
