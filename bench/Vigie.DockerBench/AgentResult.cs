using System.Globalization;

namespace Vigie.DockerBench;

/// <summary>One phase of the whole agent: lines stored by the server, the agent's CPU seconds and peak RSS.</summary>
internal sealed record AgentResult(string Phase, long Stored, long Total, double Seconds, double CpuSeconds, double PeakRssMb)
{
    /// <summary>The highest anonymous memory seen (sampled every 250 ms): heaps and buffers.</summary>
    public double AnonPeakMb { get; init; }

    /// <summary>Memory mapped from files at the end (the executable, shared libraries).</summary>
    public double FileMb { get; init; }

    /// <summary>The most threads seen in the agent (sampled with <see cref="AnonPeakMb"/>).</summary>
    public long ThreadsPeak { get; init; }

    public bool Ok => Stored == Total;

    public double LinesPerSecond => Stored / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"agent, {Phase}: {Stored:N0} of {Total:N0} lines stored by the server in {Seconds:F2} s = {LinesPerSecond:N0} lines/s; " +
        $"agent CPU {CpuSeconds:F2} s ({CpuSeconds / Seconds * 100:F0} % of one core, {CpuSeconds / Stored * 1e6:F2} us per line); agent peak RSS {PeakRssMb:F1} MB (anonymous {AnonPeakMb:F1} MB at most, files {FileMb:F1} MB); {ThreadsPeak} threads at most; {(Ok ? "ok" : "FAILED")}");
}
