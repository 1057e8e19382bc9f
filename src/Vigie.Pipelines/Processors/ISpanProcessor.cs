using Vigie.Pipelines.Model;

namespace Vigie.Pipelines.Processors;

/// <summary>
/// A processor with a fast form that works on the bytes of a <see cref="SpanEvent"/>. The fast form
/// only has to be right when it succeeds: on false (a failure, or a case it does not handle) the event
/// is run again from the start through <see cref="Processor.Apply"/>, which decides and reports.
/// </summary>
internal interface ISpanProcessor
{
    bool TryApply(SpanEvent e);
}
