using FsCheck;
using FsCheck.Fluent;

namespace Vigie.Core.Tests;

/// <summary>
/// <c>AddField(nameId, kind, source, start, length)</c> copies short values as one 32-byte block, over
/// the value buffer's unused room: against adding the same slices with the plain overload, the batches
/// hold the same values, from a small buffer that grows to values of every length and positions near
/// both ends of the source.
/// </summary>
public class EventBatchValueCopyProperties
{
    [Fact]
    public void AddField_FromSource_SameBatchAsAddingTheSlice()
    {
        var fields =
            from length in Gen.Frequency((6, Gen.Choose(0, 33)), (1, Gen.Choose(34, 300)))
            from start in Gen.Choose(0, 400)
            from eventEnds in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Length: length, Start: start, EventEnds: eventEnds);
        var cases =
            from sourceLength in Gen.Choose(0, 420)
            from seed in Gen.Choose(0, int.MaxValue)
            from list in Gen.ListOf(fields)
            select (SourceLength: sourceLength, Seed: seed, Fields: list.ToArray());

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var source = new byte[c.SourceLength];
            new Random(c.Seed).NextBytes(source);
            var fast = new EventBatch(1, 1, 16);
            var plain = new EventBatch(1, 1, 16);
            var streams = new StreamFields(["s"]);
            fast.BeginEvent(1);
            plain.BeginEvent(1);
            foreach (var f in c.Fields)
            {
                var start = Math.Min(f.Start, c.SourceLength);
                var length = Math.Min(f.Length, c.SourceLength - start);
                fast.AddField(fast.InternName("v"), ValueKind.String, source, start, length);
                plain.AddField(plain.InternName("v"), ValueKind.String, source.AsSpan(start, length));
                if (f.EventEnds)
                {
                    fast.EndEvent(streams);
                    plain.EndEvent(streams);
                    fast.BeginEvent(1);
                    plain.BeginEvent(1);
                }
            }
            fast.EndEvent(streams);
            plain.EndEvent(streams);

            Assert.Equal(plain.TotalFields, fast.TotalFields);
            Assert.Equal(plain.ValueBytes, fast.ValueBytes);
            Assert.True(plain.RawBytes.SequenceEqual(fast.RawBytes));
            Assert.True(plain.ValueLengths.SequenceEqual(fast.ValueLengths));
            Assert.True(plain.FieldStarts.SequenceEqual(fast.FieldStarts));
            Assert.Equal(plain.Streams.Select(s => s.Text), fast.Streams.Select(s => s.Text));
            for (var i = 0; i < plain.TotalFields; i++)
            {
                Assert.True(plain.GetValue(i).SequenceEqual(fast.GetValue(i)));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }
}
