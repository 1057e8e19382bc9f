using System.Globalization;

namespace Vigie.Bench;

internal sealed class Options
{
    public long Events { get; private set; } = 1_000_000;
    public int Seed { get; private set; } = 42;
    public int Concurrency { get; private set; } = 4;
    public int BodyMegabytes { get; private set; } = 16;
    public int Runs { get; private set; } = 5;
    public List<string> Encodings { get; private set; } = ["plain", "gzip"];
    public bool SkipClickHouse { get; private set; }
    public bool Keep { get; private set; }
    public string JsonPath { get; private set; } = "vigie-bench-results.json";
    public string? TempRoot { get; private set; }
    public int SettleSeconds { get; private set; } = 10;
    public string? VigieDll { get; private set; }
    public string? ClickHouseBinary { get; private set; }
    public string? VigieConfig { get; private set; }
    public bool NoPipelines { get; private set; }

    public const string Usage = """
        usage: vigie-bench [options]

        Generates a log corpus, loads it into Vigie and into ClickHouse over HTTP, runs the same
        queries on both and prints a comparison.

          --events N           events to generate (default 1000000)
          --seed N             generator seed (default 42)
          --concurrency N      ingest requests in flight (default 4)
          --body-mb N          ingest request body size in MB (default 16)
          --runs N             runs per query; the median is reported (default 5)
          --encodings LIST     Vigie ingest bodies: plain, gzip or plain,gzip (default plain,gzip)
          --no-clickhouse      measure Vigie alone
          --json FILE          where to write the results (default vigie-bench-results.json)
          --tmp DIR            parent of the working directory (default: the system temp dir)
          --keep               keep the working directory (corpus and data dirs)
          --settle-seconds N   how long part counts must stay unchanged to call merges settled (default 10)
          --vigie-dll FILE     the vigie.dll to run (default: <repo>/.build/vigie.dll, built by ./vigie)
          --clickhouse FILE    clickhouse-server or clickhouse binary (default: looked up in /usr/bin, /usr/sbin)
          --vigie-config FILE  config file given to vigie serve as --config (pipelines, listeners, ...)
          --no-pipelines       run vigie with its built-in pipelines turned off (stores the lines as
                               given, as ClickHouse does); not with --vigie-config
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--events": o.Events = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": o.Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--body-mb": o.BodyMegabytes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--runs": o.Runs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--encodings": o.Encodings = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--no-clickhouse": o.SkipClickHouse = true; break;
                case "--json": o.JsonPath = Next(); break;
                case "--tmp": o.TempRoot = Next(); break;
                case "--keep": o.Keep = true; break;
                case "--settle-seconds": o.SettleSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--vigie-dll": o.VigieDll = Next(); break;
                case "--clickhouse": o.ClickHouseBinary = Next(); break;
                case "--vigie-config": o.VigieConfig = Next(); break;
                case "--no-pipelines": o.NoPipelines = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (o.Events < 1 || o.Concurrency < 1 || o.BodyMegabytes < 1 || o.Runs < 1)
        {
            throw new ArgumentException("--events, --concurrency, --body-mb and --runs must be at least 1");
        }
        if (o.Encodings.Count == 0 || o.Encodings.Any(e => e is not ("plain" or "gzip")))
        {
            throw new ArgumentException("--encodings takes plain, gzip or both");
        }
        if (o.NoPipelines && o.VigieConfig is not null)
        {
            throw new ArgumentException("--no-pipelines writes its own config: turn the built-in pipelines off in the file given to --vigie-config instead");
        }
        if (o.VigieConfig is not null)
        {
            if (!File.Exists(o.VigieConfig))
            {
                throw new ArgumentException($"--vigie-config: no file {o.VigieConfig}");
            }
            o.VigieConfig = Path.GetFullPath(o.VigieConfig);
        }
        return o;
    }
}
