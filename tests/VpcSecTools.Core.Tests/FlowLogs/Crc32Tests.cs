using System.Text;
using VpcSecTools.FlowLogs;
using Reference = System.IO.Hashing.Crc32;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The engine's own CRC-32 (gzip trailers): the standard check values, System.IO.Hashing's answer (referenced by this
/// test project only) on every length around the vector loop's steps and on data appended in pieces, and the folding
/// constants it derives from the polynomial against the published ones.
/// </summary>
public class Crc32Tests
{
    private static uint Reference32(ReadOnlySpan<byte> data) => Reference.HashToUInt32(data);

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Known_vectors(string text, uint crc)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.Equal(crc, Crc32.Append(0, bytes));
        Assert.Equal(crc, Crc32.AppendByTables(0, bytes));
    }

    [Fact]
    public void Every_length_up_to_600_and_every_offset_agrees_with_System_IO_Hashing()
    {
        var data = new byte[700];
        new Random(7).NextBytes(data);
        for (int offset = 0; offset < 16; offset++)
            for (int length = 0; length <= 600; length++)
            {
                var span = data.AsSpan(offset, length);
                uint expected = Reference32(span);
                Assert.Equal(expected, Crc32.Append(0, span));
                Assert.Equal(expected, Crc32.AppendByTables(0, span));
            }
    }

    [Fact]
    public void Data_appended_in_pieces_gives_the_crc_of_the_whole()
    {
        var random = new Random(11);
        var data = new byte[1 << 20];
        random.NextBytes(data);
        // Runs of one value too: zeros and ones exercise the folding's carries differently from random bytes.
        data.AsSpan(1000, 5000).Clear();
        data.AsSpan(300_000, 70_000).Fill(0xFF);
        uint expected = Reference32(data);
        for (int round = 0; round < 20; round++)
        {
            uint crc = 0, byTables = 0;
            for (int at = 0; at < data.Length;)
            {
                int n = Math.Min(data.Length - at, random.Next(4) switch { 0 => random.Next(1, 64), 1 => random.Next(64, 4096), _ => random.Next(4096, 200_000) });
                crc = Crc32.Append(crc, data.AsSpan(at, n));
                byTables = Crc32.AppendByTables(byTables, data.AsSpan(at, n));
                at += n;
            }
            Assert.Equal(expected, crc);
            Assert.Equal(expected, byTables);
        }
    }

    [Fact]
    public void The_folding_constants_are_the_published_ones()
    {
        // The values of Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ" for the reflected gzip
        // polynomial, as zlib and Linux use them: x^(4*128+32), x^(4*128-32), x^(128+32), x^(128-32), x^64 mod P, P, mu.
        var c = Crc32.Constants;
        Assert.Equal(0x1_5444_2BD4UL, c.By512Low);
        Assert.Equal(0x1_C6E4_1596UL, c.By512High);
        Assert.Equal(0x1_7519_97D0UL, c.By128Low);
        Assert.Equal(0x0_CCAA_009EUL, c.By128High);
        Assert.Equal(0x1_63CD_6124UL, c.By64);
        Assert.Equal(0x1_DB71_0641UL, c.Poly);
        Assert.Equal(0x1_F701_1641UL, c.Mu);
    }
}
