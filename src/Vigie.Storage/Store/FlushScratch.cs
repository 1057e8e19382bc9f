using Vigie.Core;
using Vigie.Storage.Blocks;

namespace Vigie.Storage.Store;

/// <summary>
/// What a flush builds its parts with, kept between flushes by <see cref="ScratchPools.Flush"/>: the
/// block builder (its column buffers and the value arrays it lends to the part writer) and the
/// rows' index of <see cref="FlushPartBuilder.Group"/>, each grown to the largest flush so far.
/// </summary>
/// <remarks>One flush at a time: rented for a flush and given back once its parts are written.</remarks>
internal sealed class FlushScratch
{
    private int[] _groupOfEvent = [];
    private FlushPartBuilder.RowRef[] _rows = [];

    public ColumnarBlockBuilder Builder { get; } = new();

    /// <summary>An array of at least <paramref name="events"/> ints, its contents left as they were.</summary>
    public int[] GroupOfEvent(int events) => Grow(ref _groupOfEvent, events);

    /// <summary>An array of at least <paramref name="events"/> rows, its contents left as they were.</summary>
    public FlushPartBuilder.RowRef[] Rows(int events) => Grow(ref _rows, events);

    /// <summary>
    /// Forgets the batches the builder looked at, so that a scratch waiting in the pool holds its
    /// buffers only, not the last flush's batches.
    /// </summary>
    public void Release() => Builder.Reset(StreamKey.Empty);

    private static TItem[] Grow<TItem>(ref TItem[] array, int length)
    {
        if (array.Length < length)
        {
            // Room to spare: flushes differ in size (a flush starts at a size or at a time), and an
            // array only a little larger was allocated again by every larger flush (a quarter of
            // the flushes of a 3M-event ingestion with an eighth more).
            array = GC.AllocateUninitializedArray<TItem>(length + length / 2);
        }
        return array;
    }
}
