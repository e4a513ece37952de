using VpcSecTools.Net;

namespace VpcSecTools.Tests.Primitives;

public class IpAddressTests
{
    [Theory]
    [InlineData("10.0.1.25")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("2600:1f18:abcd:1::25")]
    [InlineData("::")]
    [InlineData("::ffff:10.0.0.1")]
    public void Round_trips_canonical_text(string text) => Assert.Equal(text, IpAddress.Parse(text).ToString());

    [Theory]
    [InlineData("10.1")]
    [InlineData("10.0.0.256")]
    [InlineData("10.0.0.01")]
    [InlineData("10.0.0.1.")]
    [InlineData("10..0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("2600:1f18::g")]
    [InlineData("")]
    [InlineData(" ")]
    public void Refuses_ambiguous_or_invalid_text(string text)
    {
        Assert.False(IpAddress.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Families_never_compare_equal()
    {
        Assert.NotEqual(IpAddress.Parse("0.0.0.1"), IpAddress.Parse("::1"));
        Assert.True(IpAddress.Parse("10.0.0.1").CompareTo(IpAddress.Parse("::1")) < 0);
    }

    [Theory]
    [InlineData("10.20.30.40", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.0", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fd00::1", true)]
    [InlineData("2600::1", false)]
    public void Knows_private_ranges(string text, bool expected) => Assert.Equal(expected, IpAddress.Parse(text).IsPrivate);
}

public class PrefixTrieTests
{
    [Fact]
    public void Longest_prefix_wins_and_families_are_separate()
    {
        var trie = new PrefixTrie<string>();
        trie.Set(Cidr.Parse("0.0.0.0/0"), "default");
        trie.Set(Cidr.Parse("10.0.0.0/16"), "vpc");
        trie.Set(Cidr.Parse("10.0.1.0/24"), "subnet");
        trie.Set(Cidr.Parse("10.0.1.7/32"), "host");
        trie.Set(Cidr.Parse("::/0"), "v6-default");

        Assert.True(trie.TryLongestMatch(IpAddress.Parse("10.0.1.7"), out var c, out var v));
        Assert.Equal(("10.0.1.7/32", "host"), (c.ToString(), v));
        trie.TryLongestMatch(IpAddress.Parse("10.0.1.8"), out _, out v);
        Assert.Equal("subnet", v);
        trie.TryLongestMatch(IpAddress.Parse("10.0.2.1"), out _, out v);
        Assert.Equal("vpc", v);
        trie.TryLongestMatch(IpAddress.Parse("192.0.2.1"), out _, out v);
        Assert.Equal("default", v);
        trie.TryLongestMatch(IpAddress.Parse("2001:db8::1"), out c, out v);
        Assert.Equal(("::/0", "v6-default"), (c.ToString(), v));
    }

    [Fact]
    public void Empty_trie_and_missing_family_find_nothing()
    {
        var trie = new PrefixTrie<int>();
        trie.Set(Cidr.Parse("10.0.0.0/8"), 1);
        Assert.False(trie.TryLongestMatch(IpAddress.Parse("2001:db8::1"), out _, out _));
        Assert.False(trie.TryLongestMatch(IpAddress.Parse("11.0.0.1"), out _, out _));
    }

    [Fact]
    public void Matches_lists_every_containing_prefix_most_specific_first()
    {
        var trie = new PrefixTrie<int>();
        foreach (var (cidr, n) in new[] { ("10.0.0.0/8", 8), ("10.1.0.0/16", 16), ("10.1.2.0/24", 24), ("10.2.0.0/16", 99) })
            trie.Set(Cidr.Parse(cidr), n);
        Assert.Equal([24, 16, 8], trie.Matches(IpAddress.Parse("10.1.2.3")).Select(m => m.Value));
    }

    [Fact]
    public void Overlapping_finds_supernets_and_subnets()
    {
        var trie = new PrefixTrie<int>();
        foreach (var (cidr, n) in new[] { ("10.0.0.0/8", 1), ("10.1.0.0/16", 2), ("10.1.5.0/24", 3), ("10.2.0.0/16", 4), ("192.168.0.0/16", 5) })
            trie.Set(Cidr.Parse(cidr), n);
        Assert.Equal([1, 2, 3], trie.Overlapping(Cidr.Parse("10.1.0.0/16")).Select(m => m.Value).Order());
    }

    [Fact]
    public void Agrees_with_a_linear_scan_on_random_tables()
    {
        var random = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            var trie = new PrefixTrie<int>();
            var table = new List<Cidr>();
            for (int i = 0; i < 40; i++)
            {
                var c = new Cidr(IpAddress.FromIPv4((uint)random.NextInt64(0, uint.MaxValue)), random.Next(0, 33));
                if (table.Contains(c)) continue;
                table.Add(c);
                trie.Set(c, table.Count - 1);
            }
            for (int q = 0; q < 200; q++)
            {
                var a = IpAddress.FromIPv4((uint)random.NextInt64(0, uint.MaxValue));
                var expected = table.Where(c => c.Contains(a)).OrderByDescending(c => c.Prefix).Select(c => (Cidr?)c).FirstOrDefault();
                bool found = trie.TryLongestMatch(a, out var got, out _);
                Assert.Equal(expected.HasValue, found);
                if (found) Assert.Equal(expected!.Value, got);
            }
        }
    }
}

public class PortAndProtocolTests
{
    [Theory]
    [InlineData("22", 22, 22)]
    [InlineData("1024-65535", 1024, 65535)]
    [InlineData("-1", 0, 65535)]
    [InlineData("all", 0, 65535)]
    [InlineData("0", 0, 0)]
    public void Parses_ports_and_ranges(string text, int from, int to) => Assert.Equal(new PortRange(from, to), PortRange.Parse(text));

    [Theory]
    [InlineData("65536")]
    [InlineData("30-20")]
    [InlineData("ssh")]
    [InlineData("")]
    [InlineData("1-")]
    public void Refuses_bad_ports(string text) => Assert.False(PortRange.TryParse(text, out _, out _));

    [Fact]
    public void A_rule_without_ports_or_with_minus_one_means_all_ports()
    {
        Assert.True(PortRange.FromRule(null, null).IsAll);
        Assert.True(PortRange.FromRule(-1, -1).IsAll);
        Assert.True(PortRange.FromRule(0, 1024).Contains(22));
        Assert.False(PortRange.FromRule(23, 1024).Contains(22));
    }

    [Theory]
    [InlineData("tcp", 6)]
    [InlineData("6", 6)]
    [InlineData("UDP", 17)]
    [InlineData("17", 17)]
    [InlineData("icmp", 1)]
    [InlineData("1", 1)]
    [InlineData("icmpv6", 58)]
    [InlineData("58", 58)]
    [InlineData("-1", -1)]
    [InlineData("all", -1)]
    [InlineData("50", 50)]
    [InlineData("255", 255)]
    public void Names_and_numbers_normalise_to_one_number(string text, int number) =>
        Assert.Equal(number, IpProtocol.Parse(text).Number);

    [Theory]
    [InlineData("256")]
    [InlineData("tcpp")]
    [InlineData("-2")]
    public void Refuses_unknown_protocols(string text) => Assert.False(IpProtocol.TryParse(text, out _, out _));

    [Fact]
    public void All_protocols_match_everything_a_number_only_itself()
    {
        Assert.True(IpProtocol.All.Matches(IpProtocol.Tcp));
        Assert.True(IpProtocol.Parse("6").Matches(IpProtocol.Parse("tcp")));
        Assert.False(IpProtocol.Udp.Matches(IpProtocol.Tcp));
    }
}

public class AddressRangeSetTests
{
    [Fact]
    public void Split_halves_cover_the_whole_internet()
    {
        var set = AddressRangeSet.Of(false, [Cidr.Parse("0.0.0.0/1"), Cidr.Parse("128.0.0.0/1")]);
        Assert.True(set.CoversEverything);
    }

    [Fact]
    public void A_gap_of_one_address_is_not_everything()
    {
        var set = AddressRangeSet.Of(false, [Cidr.Parse("0.0.0.0/1"), Cidr.Parse("128.0.0.0/2"), Cidr.Parse("192.0.0.0/3"),
            Cidr.Parse("224.0.0.0/4"), Cidr.Parse("240.0.0.0/5"), Cidr.Parse("248.0.0.0/6"), Cidr.Parse("252.0.0.0/7"), Cidr.Parse("254.0.0.0/8"),
            Cidr.Parse("255.0.0.0/9")]);
        Assert.False(set.CoversEverything);
        Assert.Equal(((UInt128)1 << 32) - ((UInt128)1 << 23), set.Size);
    }

    [Fact]
    public void Ipv6_coverage_is_separate()
    {
        var set = AddressRangeSet.Of(true, [Cidr.Parse("::/1"), Cidr.Parse("8000::/1"), Cidr.Parse("0.0.0.0/0")]);
        Assert.True(set.CoversEverything);
        Assert.False(AddressRangeSet.Of(false, [Cidr.Parse("::/0")]).CoversEverything);
    }

    [Fact]
    public void Adjacent_and_nested_ranges_merge()
    {
        var set = AddressRangeSet.Of(false, [Cidr.Parse("10.0.0.0/25"), Cidr.Parse("10.0.0.128/25"), Cidr.Parse("10.0.0.64/26")]);
        Assert.True(set.Covers(Cidr.Parse("10.0.0.0/24")));
        Assert.False(set.Covers(Cidr.Parse("10.0.0.0/23")));
        Assert.Equal((UInt128)256, set.Size);
    }
}
