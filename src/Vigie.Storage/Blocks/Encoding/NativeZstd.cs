using System.Runtime.InteropServices;

namespace Vigie.Storage.Blocks.Encodings;

/// <summary>
/// The system's zstd library (libzstd.so.1, which Debian's package manager itself depends on), called
/// directly: it compresses and decompresses segments about twice as fast as the managed port, for
/// the same frames. Where it cannot be loaded, <see cref="IsAvailable"/> is false and
/// <see cref="SegmentEnvelope"/> uses the managed port instead; either reads what the other wrote.
/// </summary>
/// <remarks>
/// Contexts are lent for one call at a time by <see cref="ZstdContextPool"/> and held by safe
/// handles, so one the pool drops without disposing is still freed by its finalizer.
/// </remarks>
internal static unsafe partial class NativeZstd
{
    private const string Library = "libzstd.so.1";

    // zstd.h: ZSTD_c_compressionLevel, ZSTD_c_hashLog, ZSTD_c_minMatch; ZSTD_reset_session_only.
    private const int CompressionLevelParameter = 100;
    private const int HashLogParameter = 102;
    private const int MinMatchParameter = 105;
    private const int ResetSessionOnly = 1;

    public static bool IsAvailable { get; } = Probe();

    /// <summary>
    /// Compresses <paramref name="source"/> into one frame in <paramref name="destination"/> with the
    /// parameters of <see cref="ZstdFastParameters"/>; returns its length, or -1 on failure.
    /// </summary>
    /// <remarks>
    /// <paramref name="destination"/> should hold <see cref="CompressBound"/> bytes: with less room,
    /// <c>ZSTD_compress2</c> compresses into a buffer of its own and copies out. Parameters stay on a
    /// context from call to call, and a lent context's last call may have used another level: all are
    /// set again, after a reset of the session in case that call failed half-way.
    /// </remarks>
    public static int Compress(CompressionContext context, ReadOnlySpan<byte> source, Span<byte> destination, int level)
    {
        var cctx = context.DangerousGetHandle();
        if (ZSTD_isError(ZSTD_CCtx_reset(cctx, ResetSessionOnly)) != 0
            || ZSTD_isError(ZSTD_CCtx_setParameter(cctx, CompressionLevelParameter, level)) != 0
            || ZSTD_isError(ZSTD_CCtx_setParameter(cctx, HashLogParameter, ZstdFastParameters.HashLogFor(level))) != 0
            || ZSTD_isError(ZSTD_CCtx_setParameter(cctx, MinMatchParameter, ZstdFastParameters.MinMatchFor(level))) != 0)
        {
            return -1;
        }
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            var written = ZSTD_compress2(cctx, dst, (nuint)destination.Length, src, (nuint)source.Length);
            return ZSTD_isError(written) != 0 ? -1 : (int)written;
        }
    }

    /// <summary>Decompresses one frame; returns the bytes written, or throws <see cref="InvalidDataException"/> naming zstd's error.</summary>
    public static int Decompress(DecompressionContext context, ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        fixed (byte* src = frame)
        fixed (byte* dst = destination)
        {
            var written = ZSTD_decompressDCtx(context.DangerousGetHandle(), dst, (nuint)destination.Length, src, (nuint)frame.Length);
            if (ZSTD_isError(written) != 0)
            {
                throw new InvalidDataException($"zstd frame is damaged: {Marshal.PtrToStringUTF8(ZSTD_getErrorName(written))}");
            }
            return (int)written;
        }
    }

    public static int CompressBound(int length) => (int)ZSTD_compressBound((nuint)length);

    private static bool Probe()
    {
        try
        {
            using var c = new CompressionContext();
            using var d = new DecompressionContext();
            ReadOnlySpan<byte> sample = "probe probe probe probe probe probe"u8;
            Span<byte> frame = stackalloc byte[CompressBound(sample.Length)];
            var n = Compress(c, sample, frame, 1);
            Span<byte> back = stackalloc byte[sample.Length];
            return n > 0 && Decompress(d, frame[..n], back) == sample.Length && back.SequenceEqual(sample);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or InvalidDataException)
        {
            return false;
        }
    }

    internal sealed class CompressionContext : SafeHandle
    {
        public CompressionContext()
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(ZSTD_createCCtx());
            if (IsInvalid)
            {
                throw new OutOfMemoryException("ZSTD_createCCtx failed");
            }
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            ZSTD_freeCCtx(handle);
            return true;
        }
    }

    internal sealed class DecompressionContext : SafeHandle
    {
        public DecompressionContext()
            : base(IntPtr.Zero, ownsHandle: true)
        {
            SetHandle(ZSTD_createDCtx());
            if (IsInvalid)
            {
                throw new OutOfMemoryException("ZSTD_createDCtx failed");
            }
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            ZSTD_freeDCtx(handle);
            return true;
        }
    }

    [LibraryImport(Library)]
    private static partial IntPtr ZSTD_createCCtx();

    [LibraryImport(Library)]
    private static partial nuint ZSTD_freeCCtx(IntPtr cctx);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_CCtx_reset(IntPtr cctx, int reset);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_CCtx_setParameter(IntPtr cctx, int param, int value);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_compress2(IntPtr cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library)]
    private static partial IntPtr ZSTD_createDCtx();

    [LibraryImport(Library)]
    private static partial nuint ZSTD_freeDCtx(IntPtr dctx);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_decompressDCtx(IntPtr dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library)]
    private static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    private static partial IntPtr ZSTD_getErrorName(nuint code);

    [LibraryImport(Library)]
    private static partial nuint ZSTD_compressBound(nuint srcSize);
}
