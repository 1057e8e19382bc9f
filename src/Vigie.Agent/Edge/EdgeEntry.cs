using Vigie.Agent.Collection;
using Vigie.Pipelines;
using Vigie.Pipelines.Model;

namespace Vigie.Agent.Edge;

/// <summary>
/// One event on its way through the edge pipelines: a line, or several joined by a multiline step
/// (then open until a line that does not continue it arrives, or its timeout passes).
/// </summary>
internal sealed class EdgeEntry(LineOrigin origin, PipelineEvent e, SourcePosition after)
{
    public LineOrigin Origin { get; } = origin;

    public PipelineEvent Event { get; } = e;

    /// <summary>The source's position after the entry's last line: what the buffer records once it is sent.</summary>
    public SourcePosition After { get; set; } = after;

    /// <summary>The pipeline whose multiline step joins lines into this entry; null for a single line.</summary>
    public Pipeline? Multiline { get; init; }

    public int Lines { get; set; } = 1;

    /// <summary>When an open entry stops waiting for a continuation (<see cref="Environment.TickCount64"/>).</summary>
    public long DeadlineMs { get; set; }

    /// <summary>No more lines join it: it is sent once every entry before it is.</summary>
    public bool Complete { get; set; }
}
