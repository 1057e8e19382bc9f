namespace Vigie.Bench;

internal sealed class QueryResult
{
    public string Name { get; set; } = "";
    public string Query { get; set; } = "";
    public List<double> RunsMs { get; set; } = [];
    public double MedianMs { get; set; }

    /// <summary>Server CPU per run; above the latency means the query ran on more than one core.</summary>
    public double ServerCpuMsPerRun { get; set; }
    public string Answer { get; set; } = "";

    /// <summary>Null when the answer matches the generator's; else what differs.</summary>
    public string? MismatchWithGenerator { get; set; }
}

internal sealed class SystemResult
{
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    public string IngestFormat { get; set; } = "";
    public double IngestSeconds { get; set; }
    public double IngestEventsPerSecond { get; set; }
    public double IngestMegabytesPerSecond { get; set; }
    public Dictionary<string, double> IngestEventsPerSecondByEncoding { get; set; } = [];
    public Dictionary<string, long> PeakRssIngestBytesByEncoding { get; set; } = [];

    /// <summary>From the last acknowledgement until a count over everything returns every event.</summary>
    public double CatchUpSeconds { get; set; }
    public double SettleSeconds { get; set; }
    public long PeakRssIngestBytes { get; set; }
    public long IdleRssBytes { get; set; }
    public long PeakRssQueriesBytes { get; set; }
    public long DiskBytes { get; set; }
    public double DiskBytesPerEvent { get; set; }
    public long Parts { get; set; }
    public double CpuSecondsIngest { get; set; }
    public double CpuSecondsCatchUpAndSettle { get; set; }
    public double CpuSecondsQueries { get; set; }
    public double ClientCpuSecondsIngest { get; set; }
    public List<QueryResult> Queries { get; set; } = [];
    public List<string> Notes { get; set; } = [];
}

internal sealed class Row
{
    public string Figure { get; set; } = "";
    public double Vigie { get; set; }
    public double ClickHouse { get; set; }
    public double Ratio { get; set; }
    public string Better { get; set; } = "";
}

internal sealed class Target
{
    public string Name { get; set; } = "";
    public string Measured { get; set; } = "";
    public bool Met { get; set; }
}

internal sealed class BenchReport
{
    public DateTimeOffset StartedAt { get; set; }
    public long Events { get; set; }
    public int Seed { get; set; }
    public long NdjsonBytes { get; set; }
    public double NdjsonBytesPerEvent { get; set; }
    public int Concurrency { get; set; }
    public int BodyMegabytes { get; set; }
    public int QueryRuns { get; set; }
    public double GenerateSeconds { get; set; }
    public Dictionary<string, string> Machine { get; set; } = [];
    public SystemResult? Vigie { get; set; }
    public SystemResult? ClickHouse { get; set; }
    public List<Row> Table { get; set; } = [];
    public List<Target> Targets { get; set; } = [];
    public List<string> AnswerMismatches { get; set; } = [];
}
