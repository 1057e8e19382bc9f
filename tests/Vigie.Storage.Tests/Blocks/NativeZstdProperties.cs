using FsCheck;
using FsCheck.Fluent;
using Vigie.Storage.Blocks.Encodings;
using ZstdSharp;

namespace Vigie.Storage.Tests.Blocks;

public class NativeZstdProperties
{
    [Fact]
    public void SystemLibrary_IsLoaded()
    {
        // libzstd.so.1 is a dependency of Debian's package manager: a machine without it is not a supported one.
        Assert.True(NativeZstd.IsAvailable, "libzstd.so.1 could not be loaded");
    }

    [Fact]
    public void Frames_OfEitherImplementation_DecodeWithTheOther()
    {
        var payloads = Gen.Choose(0, int.MaxValue).Select(MakePayload).ToArbitrary();
        Prop.ForAll(payloads, (byte[] payload) =>
        {
            using var native = new NativeZstd.CompressionContext();
            using var nativeDecoder = new NativeZstd.DecompressionContext();
            var frame = new byte[NativeZstd.CompressBound(payload.Length)];
            var n = NativeZstd.Compress(native, payload, frame, 1);
            Assert.True(n > 0);
            using (var managed = new Decompressor())
            {
                Assert.Equal(payload, managed.Unwrap(frame.AsSpan(0, n)).ToArray());
            }

            using var compressor = new Compressor(1);
            var managedFrame = compressor.Wrap(payload).ToArray();
            var back = new byte[payload.Length];
            Assert.Equal(payload.Length, NativeZstd.Decompress(nativeDecoder, managedFrame, back));
            Assert.Equal(payload, back);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(50));
    }

    [Fact]
    public void Decompress_DamagedFrame_ThrowsInvalidData()
    {
        using var native = new NativeZstd.CompressionContext();
        using var decoder = new NativeZstd.DecompressionContext();
        var payload = MakePayload(3);
        var frame = new byte[NativeZstd.CompressBound(payload.Length)];
        var n = NativeZstd.Compress(native, payload, frame, 1);
        frame[n / 2] ^= 0x5A;
        frame[n - 1] ^= 0xFF;

        Assert.Throws<InvalidDataException>(() => NativeZstd.Decompress(decoder, frame.AsSpan(0, n), new byte[payload.Length]));
    }

    private static byte[] MakePayload(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[random.Next(0, 20_000)];
        // Half text-like (compressible), half random (not): both paths of the envelope.
        if (seed % 2 == 0)
        {
            random.NextBytes(bytes);
        }
        else
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)"GET /api/v1/users 200 "[random.Next(22)];
            }
        }
        return bytes;
    }
}
