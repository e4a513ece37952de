using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// The CRC-32 of gzip trailers (RFC 1952) and zlib: polynomial 0x04C11DB7, bits reflected (0xEDB88320), initial value
/// and final XOR all ones. Ours rather than System.IO.Hashing's because the engine loads in PowerShell's default context,
/// where another module may already have loaded a different System.IO.Hashing.
/// </summary>
/// <remarks>
/// Three ways, fastest first: on x86 with PCLMULQDQ, 64 bytes at a time folded by carry-less multiplication (the data
/// is reduced modulo the polynomial 128 bits at a time, then once to 32 bits by Barrett reduction); on Arm, its CRC32
/// instructions (the same polynomial), 8 bytes at a time; elsewhere, and for the bytes the vector loop leaves, tables
/// that take 16 bytes per step (slice-by-16). Gzip inflates at well under 1 GB/s, so only the vector ways keep the check
/// out of sight on a large .gz (see bench/RESULTS.md).
/// </remarks>
internal static class Crc32
{
    /// <summary>The CRC of <paramref name="data"/> following data whose CRC was <paramref name="crc"/> (0 before any).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Pclmulqdq.IsSupported && Sse41.IsSupported && data.Length >= 64)
        {
            int folded = data.Length & ~15;
            state = Fold(state, data[..folded]);
            data = data[folded..];
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                state = ArmCrc32.Arm64.ComputeCrc32(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
        }
        return ~Tables(state, data);
    }

    /// <summary>The same CRC by the tables alone: what machines without either instruction set compute.</summary>
    internal static uint AppendByTables(uint crc, ReadOnlySpan<byte> data) => ~Tables(~crc, data);

    /// <summary>Slice-by-16: table k holds the CRC of a byte followed by k zero bytes, so 16 bytes make 16 independent lookups.</summary>
    private static readonly uint[] Table = MakeTables();

    private static uint[] MakeTables()
    {
        var t = new uint[16 * 256];
        for (uint b = 0; b < 256; b++)
        {
            uint c = b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            t[b] = c;
        }
        for (int i = 256; i < t.Length; i++) t[i] = (t[i - 256] >> 8) ^ t[t[i - 256] & 0xFF];
        return t;
    }

    private static uint Tables(uint state, ReadOnlySpan<byte> data)
    {
        var t = Table;
        while (data.Length >= 16)
        {
            uint a = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint b = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            uint c = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            uint d = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
            state = t[15 * 256 + (a & 0xFF)] ^ t[14 * 256 + ((a >> 8) & 0xFF)] ^ t[13 * 256 + ((a >> 16) & 0xFF)] ^ t[12 * 256 + (a >> 24)]
                  ^ t[11 * 256 + (b & 0xFF)] ^ t[10 * 256 + ((b >> 8) & 0xFF)] ^ t[9 * 256 + ((b >> 16) & 0xFF)] ^ t[8 * 256 + (b >> 24)]
                  ^ t[7 * 256 + (c & 0xFF)] ^ t[6 * 256 + ((c >> 8) & 0xFF)] ^ t[5 * 256 + ((c >> 16) & 0xFF)] ^ t[4 * 256 + (c >> 24)]
                  ^ t[3 * 256 + (d & 0xFF)] ^ t[2 * 256 + ((d >> 8) & 0xFF)] ^ t[256 + ((d >> 16) & 0xFF)] ^ t[d >> 24];
            data = data[16..];
        }
        foreach (byte x in data) state = (state >> 8) ^ t[(state ^ x) & 0xFF];
        return state;
    }

    /// <summary>
    /// The folding constants, x^n mod P for the distances the loops fold across (bit-reflected, times x, as the reflected
    /// carry-less products need), and for the Barrett reduction P itself and floor(x^64 / P), both reflected over 33 bits.
    /// Derived here from the polynomial rather than written as numbers (CrcTests checks them against the published ones).
    /// </summary>
    internal static readonly (ulong By512Low, ulong By512High, ulong By128Low, ulong By128High, ulong By64, ulong Poly, ulong Mu) Constants = (
        Folding(4 * 128 + 32), Folding(4 * 128 - 32), Folding(128 + 32), Folding(128 - 32), Folding(64),
        Reflect33(0x1_04C1_1DB7UL), Reflect33(Quotient64()));

    private static ulong Folding(int n)
    {
        ulong r = 1;
        for (int i = 0; i < n; i++)
        {
            r <<= 1;
            if ((r & 0x1_0000_0000UL) != 0) r ^= 0x1_04C1_1DB7UL;
        }
        return (ulong)ReverseBits((uint)r) << 1;
    }

    /// <summary>floor(x^64 / P) over GF(2): 33 bits.</summary>
    private static ulong Quotient64()
    {
        UInt128 remainder = UInt128.One << 64, p = 0x1_04C1_1DB7UL;
        ulong quotient = 0;
        for (int degree = 64; degree >= 32; degree--)
            if (((remainder >> degree) & UInt128.One) != UInt128.Zero)
            {
                remainder ^= p << (degree - 32);
                quotient |= 1UL << (degree - 32);
            }
        return quotient;
    }

    private static ulong Reflect33(ulong v)
    {
        ulong r = 0;
        for (int i = 0; i < 33; i++) if ((v & (1UL << i)) != 0) r |= 1UL << (32 - i);
        return r;
    }

    private static uint ReverseBits(uint v)
    {
        uint r = 0;
        for (int i = 0; i < 32; i++) if ((v & (1u << i)) != 0) r |= 1u << (31 - i);
        return r;
    }

    /// <summary>
    /// Folds a whole number (at least 4) of 16-byte blocks into the state: four lanes 64 bytes apart while 64 bytes
    /// remain, then one lane, then 128 bits to 64, 64 to 32 and the Barrett reduction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Fold(uint state, ReadOnlySpan<byte> data)
    {
        ref byte at = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        var c = Constants;
        var x1 = Vector128.LoadUnsafe(ref at).AsUInt64() ^ Vector128.CreateScalar(state).AsUInt64();
        var x2 = Vector128.LoadUnsafe(ref at, 16).AsUInt64();
        var x3 = Vector128.LoadUnsafe(ref at, 32).AsUInt64();
        var x4 = Vector128.LoadUnsafe(ref at, 48).AsUInt64();
        nuint i = 64;
        var k = Vector128.Create(c.By512Low, c.By512High);
        for (; (int)i + 64 <= length; i += 64)
        {
            x1 = FoldInto(x1, k, Vector128.LoadUnsafe(ref at, i).AsUInt64());
            x2 = FoldInto(x2, k, Vector128.LoadUnsafe(ref at, i + 16).AsUInt64());
            x3 = FoldInto(x3, k, Vector128.LoadUnsafe(ref at, i + 32).AsUInt64());
            x4 = FoldInto(x4, k, Vector128.LoadUnsafe(ref at, i + 48).AsUInt64());
        }
        k = Vector128.Create(c.By128Low, c.By128High);
        x1 = FoldInto(x1, k, x2);
        x1 = FoldInto(x1, k, x3);
        x1 = FoldInto(x1, k, x4);
        for (; (int)i + 16 <= length; i += 16) x1 = FoldInto(x1, k, Vector128.LoadUnsafe(ref at, i).AsUInt64());

        // 128 bits to 64: the low half times x^96 into the high half.
        var low32 = Vector128.Create(0xFFFF_FFFFUL, 0xFFFF_FFFFUL);
        x1 = Pclmulqdq.CarrylessMultiply(x1, k, 0x10) ^ Sse2.ShiftRightLogical128BitLane(x1, 8);
        // 64 bits to 32 (with 32 zero bits appended): the low 32 times x^64.
        var shifted = Sse2.ShiftRightLogical128BitLane(x1, 4);
        x1 = Pclmulqdq.CarrylessMultiply(x1 & low32, Vector128.CreateScalar(c.By64), 0x00) ^ shifted;
        // Barrett: q = (low 32 * mu) low 32; remainder = x ^ q * P, in bits 32..63.
        var poly = Vector128.Create(c.Poly, c.Mu);
        var q = Pclmulqdq.CarrylessMultiply(x1 & low32, poly, 0x10) & low32;
        x1 ^= Pclmulqdq.CarrylessMultiply(q, poly, 0x00);
        return x1.AsUInt32().GetElement(1);
    }

    /// <summary>One 128-bit lane carried 128 (or 512) bits forward: low half times the first constant, high half times the second, into the next block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> FoldInto(Vector128<ulong> x, Vector128<ulong> k, Vector128<ulong> next) =>
        Pclmulqdq.CarrylessMultiply(x, k, 0x00) ^ Pclmulqdq.CarrylessMultiply(x, k, 0x11) ^ next;
}
