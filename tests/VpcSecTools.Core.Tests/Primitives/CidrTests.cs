using VpcSecTools.Net;

namespace VpcSecTools.Tests.Primitives;

public class CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("10.1.2.3/32", "10.1.2.3", true)]
    [InlineData("10.1.2.3/32", "10.1.2.4", false)]
    [InlineData("::/0", "2600:1f18::1", true)]
    [InlineData("2600:1f18:abcd::/56", "2600:1f18:abcd:ff::1", true)]
    [InlineData("2600:1f18:abcd::/56", "2600:1f18:abcd:100::1", false)]
    [InlineData("2001:db8::1/128", "2001:db8::1", true)]
    [InlineData("0.0.0.0/0", "::1", false)]
    public void Contains_respects_prefix_and_family(string cidr, string address, bool expected) =>
        Assert.Equal(expected, Cidr.Parse(cidr).Contains(IpAddress.Parse(address)));

    [Fact]
    public void Host_bits_are_rejected_with_the_network_meant()
    {
        Assert.False(Cidr.TryParse("10.0.0.5/8", out _, out var error));
        Assert.Contains("host bits set", error);
        Assert.Contains("10.0.0.0/8", error);
    }

    [Fact]
    public void Host_bits_are_cleared_when_normalising() =>
        Assert.Equal("10.0.0.0/8", Cidr.Parse("10.0.0.5/8", HostBits.Normalise).ToString());

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0/8")]
    [InlineData("10.0.0.0/")]
    [InlineData("::/129")]
    [InlineData("banana")]
    [InlineData("")]
    [InlineData("010.0.0.0/8")]
    public void Malformed_cidrs_are_refused(string text) => Assert.False(Cidr.TryParse(text, out _, out _));

    [Fact]
    public void Canonical_form_compresses_ipv6() =>
        Assert.Equal("2600:1f18:abcd::/56", Cidr.Parse("2600:1F18:ABCD:0000:0000:0000:0000:0000/56").ToString());

    [Fact]
    public void A_bare_address_is_a_host_route()
    {
        Assert.Equal(32, Cidr.Parse("192.0.2.1").Prefix);
        Assert.Equal(128, Cidr.Parse("2001:db8::1").Prefix);
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.5.0/24", true)]
    [InlineData("10.0.5.0/24", "10.0.0.0/16", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0/16", false)]
    [InlineData("0.0.0.0/0", "203.0.113.0/24", true)]
    [InlineData("10.0.0.0/8", "::/0", false)]
    public void Overlap_is_symmetric(string a, string b, bool expected)
    {
        Assert.Equal(expected, Cidr.Parse(a).Overlaps(Cidr.Parse(b)));
        Assert.Equal(expected, Cidr.Parse(b).Overlaps(Cidr.Parse(a)));
    }

    [Fact]
    public void First_last_and_size_at_the_edges()
    {
        var all = Cidr.Parse("0.0.0.0/0");
        Assert.Equal("255.255.255.255", all.Last.ToString());
        Assert.Equal((UInt128)1 << 32, all.Size);
        var host = Cidr.Parse("10.0.0.7/32");
        Assert.Equal(host.First, host.Last);
        Assert.Equal(UInt128.MaxValue, Cidr.Parse("::/0").Size);
        Assert.Equal("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Cidr.Parse("::/0").Last.ToString());
    }
}
