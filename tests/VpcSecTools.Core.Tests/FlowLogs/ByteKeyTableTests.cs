using System.Text;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>The value numbering the attribution's lookups rest on: ids, absent values, long values alike at their ends, the presence bits.</summary>
public class ByteKeyTableTests
{
    [Fact]
    public void Values_get_dense_ids_in_the_order_first_seen_and_are_found_again_from_a_line_buffer()
    {
        var rnd = new Random(5);
        var values = new List<string> { "-", "S3", "10.0.1.5", "0123456789abcdef", "0123456789abcdeg", "eni-0123456789abcdef0", "eni-0123456789abcdef1",
            "eni-1123456789abcdef0", "ROUTE53_HEALTHCHECKS", "fd12:3456:789a:1::25", "fd12:3456:789a:1:0:0:0:25", "0123456789abcdef01234567", "0123456789abcdef0123456X",
            "0123456789abcdef012345678" };
        // Values of every length to 40 that share their first 16 and last 8 bytes, so only the middle tells them apart.
        for (int length = 25; length <= 40; length++)
            for (int k = 0; k < 3; k++)
                values.Add("AAAAAAAAAAAAAAAA" + new string((char)('a' + k), length - 24) + "ZZZZZZZZ");
        values.AddRange(Enumerable.Range(0, 3000).Select(i => $"10.{i / 250}.{i % 250}.{rnd.Next(1, 255)}").Distinct());
        values = values.Distinct(StringComparer.Ordinal).ToList();

        var table = new ByteKeyTable();
        for (int i = 0; i < values.Count; i++)
        {
            Assert.Equal(-1, table.Find(Encoding.UTF8.GetBytes(values[i] + " slack slack slack slack"), Encoding.UTF8.GetByteCount(values[i])));
            Assert.Equal(i, table.Add(Encoding.UTF8.GetBytes(values[i])));
            Assert.Equal(i, table.Add(Encoding.UTF8.GetBytes(values[i])));
        }
        Assert.Equal(values.Count, table.Count);
        for (int i = 0; i < values.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(values[i]);
            // From a buffer with more after the value (a line), and with nothing after it (the end of a buffer).
            var line = Encoding.UTF8.GetBytes(values[i] + " 443 6 1 100 1795294800\n");
            Assert.Equal(i, table.Find(line, bytes.Length));
            Assert.Equal(i, table.Find(bytes, bytes.Length));
            Assert.True(table.MayContain(line, bytes.Length));
            Assert.Equal(values[i], Encoding.UTF8.GetString(table[i]));
        }
        foreach (var absent in new[] { "S4", "10.0.1.55", "eni-0123456789abcdef2", "0123456789abcdef0123456Y", "AAAAAAAAAAAAAAAAdZZZZZZZZ", "" })
            Assert.Equal(-1, table.Find(Encoding.UTF8.GetBytes(absent + "   "), Encoding.UTF8.GetByteCount(absent)));
    }

    [Fact]
    public void The_presence_bits_turn_away_most_absent_interfaces()
    {
        var table = new ByteKeyTable();
        foreach (var eni in new[] { "eni-0a1b2c3d4e5f60001", "eni-0a1b2c3d4e5f60002", "eni-0a1b2c3d4e5f60003", "eni-0a1b2c3d4e5f60004" })
            table.Add(Encoding.UTF8.GetBytes(eni));
        var rnd = new Random(3);
        int passed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            var other = Encoding.UTF8.GetBytes($"eni-{rnd.NextInt64():x16}{rnd.Next(16):x} more");
            if (table.MayContain(other, 21)) passed++;
        }
        // 4 bits of 1024 are set: about 0.4 % of other interfaces pass to the real lookup.
        Assert.InRange(passed, 0, 150);
    }
}
