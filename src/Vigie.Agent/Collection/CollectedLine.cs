using Vigie.Core;

namespace Vigie.Agent.Collection;

/// <summary>One line read by a source, on its way to the buffer.</summary>
/// <param name="Origin">Where it came from, with the fields every line of that origin carries.</param>
/// <param name="TimeNs">When it was written, in nanoseconds since the Unix epoch (UTC).</param>
/// <param name="Message">The line itself, UTF-8, without its line ending.</param>
/// <param name="After">The source's position right after this line.</param>
public readonly record struct CollectedLine(LineOrigin Origin, long TimeNs, ReadOnlyMemory<byte> Message, SourcePosition After)
{
    /// <summary>Fields of this line alone (a journal entry's unit and priority), added to the origin's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Fields { get; init; }

    /// <summary>
    /// The line once edge pipelines processed it: every field, <c>_msg</c> included, typed. When set, it
    /// is what is sent, in place of <see cref="Message"/>, the origin's fields and <see cref="Fields"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, FieldValue>>? Processed { get; init; }
}
