using FsCheck;
using FsCheck.Fluent;
using Vigie.Core;
using Vigie.Storage.Idempotency;
using Vigie.Storage.Store;
using Vigie.Storage.Tests.Parts;

namespace Vigie.Storage.Tests.Store;

public sealed class IdempotencyKeysTests
{
    private static readonly long BaseTime = Timestamps.FromDateTime(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir, BackgroundMerges = false, FlushInterval = TimeSpan.FromHours(1) };

    /// <summary>Stores the request once: returns false (storing nothing) when its key is already stored.</summary>
    private static async Task<bool> StoreOnceAsync(LogStore store, string key, int events)
    {
        using var claim = await store.Keys.ClaimAsync(key);
        if (claim is null)
        {
            return false;
        }
        var batch = new EventBatch();
        for (var i = 0; i < events; i++)
        {
            batch.Add(new LogEvent(BaseTime + i, StreamKey.Empty, [new("_msg", FieldValue.Str($"{key} event {i}")), new("key", FieldValue.Str(key))]));
        }
        await store.AppendAsync(batch, claim);
        return true;
    }

    private static async Task<Dictionary<string, int>> CountByKeyAsync(LogStore store)
    {
        await store.FlushAsync();
        return StoreReading.ReadAll(store).GroupBy(e => e.Fields.Single(f => f.Key == "key").Value.Text).ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact]
    public async Task SameKeyTwice_SecondStoresNothing_AndAfterRestartStill()
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            Assert.True(await StoreOnceAsync(store, "agent-1", 3));
            Assert.False(await StoreOnceAsync(store, "agent-1", 3));
            Assert.True(await StoreOnceAsync(store, "agent-2", 2));
        }
        using var reopened = LogStore.Open(Options(dir.Path));
        Assert.False(await StoreOnceAsync(reopened, "agent-1", 3));
        Assert.False(await StoreOnceAsync(reopened, "agent-2", 2));
        Assert.Equal(new Dictionary<string, int> { ["agent-1"] = 3, ["agent-2"] = 2 }, await CountByKeyAsync(reopened));
    }

    [Fact]
    public async Task KeysOfFlushedAndDeletedWalSegments_AreInTheKeysFile_AndSurviveRestart()
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            Assert.True(await StoreOnceAsync(store, "a-1", 5));
            await store.FlushAsync();
            Assert.True(await StoreOnceAsync(store, "a-2", 5));
            await store.FlushAsync();
            // Only the segment opened by the last flush is left: the keys' WAL records are gone.
            Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, StoreLayout.WalDirectory)));
            Assert.True(File.Exists(Path.Combine(dir.Path, KeysFile.FileName)));
        }
        // A crash-like reopen: the WAL directory emptied, only the keys file can know the keys.
        foreach (var f in Directory.GetFiles(Path.Combine(dir.Path, StoreLayout.WalDirectory)))
        {
            File.Delete(f);
        }
        using var reopened = LogStore.Open(Options(dir.Path));
        Assert.True(reopened.Keys.IsStored("a-1"));
        Assert.True(reopened.Keys.IsStored("a-2"));
        Assert.False(await StoreOnceAsync(reopened, "a-1", 5));
        Assert.Equal(new Dictionary<string, int> { ["a-1"] = 5, ["a-2"] = 5 }, await CountByKeyAsync(reopened));
    }

    [Fact]
    public async Task Keys_ExpireAfterTheirLifetime_InMemoryAndAfterRestart()
    {
        using var dir = new TempDirectory();
        var now = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        var options = Options(dir.Path) with { UtcNow = () => now };
        using (var store = LogStore.Open(options))
        {
            Assert.True(await StoreOnceAsync(store, "old", 1));
            await store.FlushAsync();
            now = now.AddHours(23);
            Assert.True(await StoreOnceAsync(store, "young", 1));
            Assert.False(await StoreOnceAsync(store, "old", 1));
            now = now.AddHours(1).AddMinutes(1);
            Assert.True(store.Keys.IsStored("young"));
            Assert.False(store.Keys.IsStored("old"));
        }
        using (var reopened = LogStore.Open(options))
        {
            Assert.False(reopened.Keys.IsStored("old"));
            Assert.True(reopened.Keys.IsStored("young"));
            Assert.Equal(1, reopened.Keys.Count);
            // Past its lifetime the key is a new request again.
            Assert.True(await StoreOnceAsync(reopened, "old", 1));
            Assert.Equal(new Dictionary<string, int> { ["old"] = 2, ["young"] = 1 }, await CountByKeyAsync(reopened));
        }
    }

    [Fact]
    public async Task KeyLimit_ForgetsTheOldestKeysFirst()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path) with { IdempotencyKeyLimit = 3 });
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await StoreOnceAsync(store, $"k{i}", 1));
        }
        Assert.Equal(3, store.Keys.Count);
        Assert.Equal([false, false, true, true, true], Enumerable.Range(0, 5).Select(i => store.Keys.IsStored($"k{i}")));
    }

    [Fact]
    public async Task ConcurrentClaims_OfOneKey_TheSecondWaitsThenSeesTheOutcome()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));

        // The holder gives up (its storing failed): the waiter gets the claim.
        var first = await store.Keys.ClaimAsync("k");
        Assert.NotNull(first);
        var waiting = store.Keys.ClaimAsync("k").AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        first.Dispose();
        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(second);

        // The holder stores: the waiter hears "already stored".
        var third = store.Keys.ClaimAsync("k").AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        await store.AppendAsync(new EventBatch(), second);
        Assert.Null(await third.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ManyConcurrentRequests_WithTheSameKeys_EachKeyStoredOnce()
    {
        using var dir = new TempDirectory();
        using var store = LogStore.Open(Options(dir.Path));
        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(() => StoreOnceAsync(store, $"key-{i % 20}", 3))).ToList();
        var stored = await Task.WhenAll(attempts);
        Assert.Equal(20, stored.Count(s => s));
        var counts = await CountByKeyAsync(store);
        Assert.Equal(20, counts.Count);
        Assert.All(counts.Values, n => Assert.Equal(3, n));
    }

    [Fact]
    public async Task TornLastRecordOfTheKeysFile_IsCutOff_AndTheWalStillKnowsItsKeys()
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            Assert.True(await StoreOnceAsync(store, "flushed", 1));
            await store.FlushAsync();
            Assert.True(await StoreOnceAsync(store, "in-wal", 1));
            CopyWithoutLock(dir.Path, dir.Path + "-crash");
        }
        var crashed = dir.Path + "-crash";
        try
        {
            var keysFile = Path.Combine(crashed, KeysFile.FileName);
            var good = new FileInfo(keysFile).Length;
            // What a crash in the middle of the next append leaves behind.
            File.AppendAllText(keysFile, "\u0040\u0000\u0000\u0000torn");
            using var recovered = LogStore.Open(Options(crashed));
            Assert.True(recovered.Keys.IsStored("flushed"));
            Assert.True(recovered.Keys.IsStored("in-wal"));
            await recovered.FlushAsync();
            Assert.True(new FileInfo(keysFile).Length > good, "the replayed key was appended after the cut");
        }
        finally
        {
            Directory.Delete(crashed, recursive: true);
        }
    }

    [Fact]
    public async Task WalSegmentsOfTheFormerVersion_WithoutKeys_StillReplay()
    {
        using var dir = new TempDirectory();
        using (var store = LogStore.Open(Options(dir.Path)))
        {
            await StoreReading.AppendAsync(store, [new LogEvent(BaseTime, StreamKey.Empty, [new("_msg", FieldValue.Str("v1"))])]);
            CopyWithoutLock(dir.Path, dir.Path + "-v1");
        }
        var old = dir.Path + "-v1";
        try
        {
            // Rewrite the segment as version 1 wrote it: no key prefix in the records, the batch in
            // the varint form (version 3 writes the batch's arrays instead).
            var segment = Directory.GetFiles(Path.Combine(old, StoreLayout.WalDirectory)).Single(f => new FileInfo(f).Length > 16);
            var bytes = File.ReadAllBytes(segment);
            var batch = new EventBatch();
            batch.Add(new LogEvent(BaseTime, StreamKey.Empty, [new("_msg", FieldValue.Str("v1"))]));
            var varint = new System.Buffers.ArrayBufferWriter<byte>();
            Vigie.Storage.Wal.EventBatchCodec.Write(batch, varint);
            var payload = varint.WrittenSpan.ToArray();
            var rewritten = new byte[16 + 8 + payload.Length];
            bytes.AsSpan(0, 16).CopyTo(rewritten);
            rewritten[4] = 1;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(rewritten.AsSpan(16), (uint)payload.Length);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(rewritten.AsSpan(20), System.IO.Hashing.Crc32.HashToUInt32(payload));
            payload.CopyTo(rewritten, 24);
            File.WriteAllBytes(segment, rewritten);
            using var reopened = LogStore.Open(Options(old));
            Assert.Equal(["v1"], StoreReading.ReadAll(reopened).Select(e => e.Fields.Single().Value.Text));
            Assert.Equal(0, reopened.Metrics.WalRecordsQuarantined);
        }
        finally
        {
            Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>Operations of the property test: keyed appends (retries reuse keys), flushes, clean restarts and crashes.</summary>
    private enum Op
    {
        Append,
        Flush,
        Restart,
        Crash,
    }

    [Fact]
    public void RandomKeyedAppendsFlushesRestartsAndCrashes_EachKeysEventsStoredExactlyOnce()
    {
        var ops = Gen.Frequency((6, Gen.Constant(Op.Append)), (2, Gen.Constant(Op.Flush)), (1, Gen.Constant(Op.Restart)), (1, Gen.Constant(Op.Crash)));
        var cases = (from seed in Gen.Choose(0, int.MaxValue) from list in Gen.ListOf(ops) select (seed, list)).ToArbitrary();
        Prop.ForAll(cases, c => RunOps(c.seed, [.. c.list.Take(40)]).GetAwaiter().GetResult()).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    private static async Task RunOps(int seed, List<Op> ops)
    {
        var r = new Random(seed);
        using var dir = new TempDirectory();
        var path = dir.Path;
        var copies = new List<string>();
        var expected = new Dictionary<string, int>();
        var store = LogStore.Open(Options(path));
        try
        {
            foreach (var op in ops)
            {
                switch (op)
                {
                    case Op.Append:
                        // Half of the appends retry a key used before, as a sender does after a lost answer.
                        var key = expected.Count > 0 && r.Next(2) == 0 ? expected.Keys.ElementAt(r.Next(expected.Count)) : $"k{expected.Count}";
                        var events = expected.TryGetValue(key, out var n) ? n : r.Next(0, 4);
                        var stored = await StoreOnceAsync(store, key, events);
                        Assert.Equal(!expected.ContainsKey(key), stored);
                        expected[key] = events;
                        break;
                    case Op.Flush:
                        await store.FlushAsync();
                        break;
                    case Op.Restart:
                        store.Dispose();
                        store = LogStore.Open(Options(path));
                        break;
                    case Op.Crash:
                        // The directory as a kill -9 leaves it (nothing flushed on the way out).
                        var copy = $"{dir.Path}-crash{copies.Count}";
                        CopyWithoutLock(path, copy);
                        copies.Add(copy);
                        store.Dispose();
                        path = copy;
                        store = LogStore.Open(Options(path));
                        break;
                }
            }
            var counts = await CountByKeyAsync(store);
            Assert.Equal(expected.Where(e => e.Value > 0).OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
            Assert.All(expected.Keys, k => Assert.True(store.Keys.IsStored(k), $"{k} is remembered"));
        }
        finally
        {
            store.Dispose();
            foreach (var c in copies)
            {
                Directory.Delete(c, recursive: true);
            }
        }
    }

    private static void CopyWithoutLock(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(d.Replace(from, to, StringComparison.Ordinal));
        }
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(f) != StoreLayout.LockFile)
            {
                File.Copy(f, f.Replace(from, to, StringComparison.Ordinal));
            }
        }
    }
}
