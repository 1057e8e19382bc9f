using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks;
using Vigie.Storage.Blocks.Encodings;

namespace Vigie.Storage.Tests.Blocks;

/// <summary>
/// Segments are compressed with <see cref="ZstdFastParameters"/> at level 1 through contexts lent call
/// after call: each frame must be the one a fresh context given the level and those parameters writes
/// (a parameter of an earlier call must not leak into the next), and every segment must come back.
/// </summary>
public class ZstdFastParametersProperties
{
    private static readonly int[] Levels = [1, 3, -1, 1, 1];

    [Fact]
    public void Compress_ReusedContext_WritesTheFramesOfAFreshContextGivenTheParameters()
    {
        var calls = Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, Levels.Length - 1)).ListOf().Select(l => l.Take(8).ToArray()).ToArbitrary();
        Prop.ForAll(calls, ((int Seed, int Level)[] sequence) =>
        {
            using var reused = new NativeZstd.CompressionContext();
            foreach (var (seed, index) in sequence)
            {
                var level = Levels[index];
                var payload = MakePayload(seed);
                var frame = new byte[NativeZstd.CompressBound(payload.Length)];
                var n = NativeZstd.Compress(reused, payload, frame, level);
                Assert.True(n > 0);
                Assert.Equal(Reference(payload, level), frame.AsSpan(0, n).ToArray());
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Compress_SetsTheFastParametersAtLevelOneOnly()
    {
        using var context = new NativeZstd.CompressionContext();
        var payload = MakePayload(7);
        var frame = new byte[NativeZstd.CompressBound(payload.Length)];

        NativeZstd.Compress(context, payload, frame, 1);
        Assert.Equal(ZstdFastParameters.HashLog, Parameter(context, HashLog));
        Assert.Equal(ZstdFastParameters.MinMatch, Parameter(context, MinMatch));

        // Another level goes back to the library's choice (0).
        NativeZstd.Compress(context, payload, frame, 3);
        Assert.Equal(0, Parameter(context, HashLog));
        Assert.Equal(0, Parameter(context, MinMatch));
        Assert.Equal(3, Parameter(context, CompressionLevel));
    }

    [Fact]
    public void Wrap_EverySegmentComesBack()
    {
        var cases = Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, Levels.Length - 1)).ToArbitrary();
        Prop.ForAll(cases, ((int Seed, int Level) c) =>
        {
            var payload = MakePayload(c.Seed);
            using var stored = new ByteBuffer(1024);
            SegmentEnvelope.Wrap(payload, stored, Levels[c.Level]);
            // Compressed or not, a segment is never longer than the payload and its codec byte.
            Assert.True(stored.Length <= payload.Length + 1);
            var back = SegmentEnvelope.Unwrap(stored.Span, out var length);
            try
            {
                Assert.Equal(payload, back.AsSpan(0, length).ToArray());
            }
            finally
            {
                SegmentEnvelope.Release(back);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    /// <summary>Payloads like the flush's: random bytes, hexadecimal ids, words, runs; now and then past zstd's 128 KiB block.</summary>
    private static byte[] MakePayload(int seed)
    {
        var random = new Random(seed);
        var length = seed % 7 == 0 ? random.Next(128 * 1024, 300_000) : random.Next(0, 40_000);
        var bytes = new byte[length];
        switch (seed % 4)
        {
            case 0:
                random.NextBytes(bytes);
                break;
            case 1:
                for (var i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = (byte)"0123456789abcdef"[random.Next(16)];
                }
                break;
            case 2:
                string[] words = ["GET ", "/api/v1/users/", "200 ", "user=", "timeout ", "db ", "\x20"];
                for (var i = 0; i < bytes.Length;)
                {
                    foreach (var b in words[random.Next(words.Length)])
                    {
                        if (i < bytes.Length)
                        {
                            bytes[i++] = (byte)b;
                        }
                    }
                    if (i < bytes.Length)
                    {
                        bytes[i++] = (byte)random.Next(48, 58);
                    }
                }
                break;
            default:
                for (var i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = (byte)(i / random.Next(1, 50) % 3);
                }
                break;
        }
        return bytes;
    }

    private const int CompressionLevel = 100;
    private const int HashLog = 102;
    private const int MinMatch = 105;

    /// <summary>The frame of a fresh context given the level and, at level 1, the fast parameters, straight through libzstd.</summary>
    private static byte[] Reference(byte[] payload, int level)
    {
        var context = ZSTD_createCCtx();
        try
        {
            Check(ZSTD_CCtx_setParameter(context, CompressionLevel, level));
            if (level == ZstdFastParameters.Level)
            {
                Check(ZSTD_CCtx_setParameter(context, HashLog, ZstdFastParameters.HashLog));
                Check(ZSTD_CCtx_setParameter(context, MinMatch, ZstdFastParameters.MinMatch));
            }
            var frame = new byte[NativeZstd.CompressBound(payload.Length)];
            var n = ZSTD_compress2(context, frame, (nuint)frame.Length, payload, (nuint)payload.Length);
            Check(n);
            return frame.AsSpan(0, (int)n).ToArray();
        }
        finally
        {
            ZSTD_freeCCtx(context);
        }
    }

    private static int Parameter(NativeZstd.CompressionContext context, int parameter)
    {
        Check(ZSTD_CCtx_getParameter(context.DangerousGetHandle(), parameter, out var value));
        return value;
    }

    private static void Check(nuint code) => Assert.True(ZSTD_isError(code) == 0, "zstd reported an error");

    [DllImport("libzstd.so.1")]
    private static extern IntPtr ZSTD_createCCtx();

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_freeCCtx(IntPtr cctx);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_CCtx_setParameter(IntPtr cctx, int param, int value);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_CCtx_getParameter(IntPtr cctx, int param, out int value);

    [DllImport("libzstd.so.1")]
    private static extern nuint ZSTD_compress2(IntPtr cctx, byte[] dst, nuint dstCapacity, byte[] src, nuint srcSize);

    [DllImport("libzstd.so.1")]
    private static extern uint ZSTD_isError(nuint code);
}
