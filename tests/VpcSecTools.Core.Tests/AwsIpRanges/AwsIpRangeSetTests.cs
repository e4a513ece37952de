using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.AwsIpRanges;

public class AwsIpRangeSetTests
{
    private static string Subset => Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json");
    private static string Full => Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-2026-08-22.json");

    [Fact]
    public void The_most_specific_service_wins_when_one_cidr_is_listed_several_times()
    {
        var set = AwsIpRangeSet.Load(Subset);
        // 16.15.192.0/18 is listed under AMAZON, EC2 and S3 (README.txt of the fixture).
        var listed = set.Prefixes.Where(p => p.Prefix == Cidr.Parse("16.15.192.0/18")).Select(p => p.Service).ToHashSet();
        Assert.Superset(new HashSet<string> { "AMAZON", "S3" }, listed);
        var hit = set.Find(IpAddress.Parse("16.15.200.7"));
        Assert.NotNull(hit);
        Assert.Equal("S3", hit.Service);
        Assert.Equal(Cidr.Parse("16.15.192.0/18"), hit.Prefix);
    }

    [Fact]
    public void Every_s3_or_dynamodb_entry_of_the_subset_is_found_as_that_service()
    {
        var set = AwsIpRangeSet.Load(Subset);
        foreach (var p in set.Prefixes.Where(p => p.Service is "S3" or "DYNAMODB"))
        {
            var last = set.Find(p.Prefix.Last);
            Assert.NotNull(last);
            Assert.True(last.Specificity == 2, $"{p.Prefix} -> {last.Service}");
            Assert.True(last.Prefix.Contains(p.Prefix) || p.Prefix.Contains(last.Prefix));
        }
    }

    [Fact]
    public void Amazon_only_ranges_answer_amazon_and_other_addresses_nothing()
    {
        var set = AwsIpRangeSet.Load(Subset);
        var amazonOnly = set.Prefixes.GroupBy(p => p.Prefix).First(g => g.All(p => p.Service == "AMAZON")).Key;
        Assert.Equal("AMAZON", set.Find(amazonOnly.First)?.Service);
        Assert.Null(set.Find(IpAddress.Parse("192.0.2.1")));
        Assert.Null(set.Find(IpAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void Ipv6_entries_are_looked_up_by_longest_prefix()
    {
        var set = AwsIpRangeSet.Load(Subset);
        var v6 = set.Prefixes.First(p => p.Prefix.IsIPv6 && p.Service == "S3");
        var hit = set.Find(v6.Prefix.Network.Add(1));
        Assert.NotNull(hit);
        Assert.Equal("S3", hit.Service);
        Assert.Equal(v6.Region, hit.Region);
        Assert.Equal(v6.NetworkBorderGroup, hit.NetworkBorderGroup);
    }

    [Fact]
    public void Bundled_copy_is_the_dated_file_with_every_entry()
    {
        var bundled = AwsIpRangeSet.Bundled;
        using var doc = JsonDocument.Parse(File.ReadAllText(Full));
        Assert.Equal(doc.RootElement.GetProperty("syncToken").GetString(), bundled.SyncToken);
        Assert.Equal(AwsIpRangeSet.BundledCreateDate, bundled.CreateDate);
        Assert.Equal(doc.RootElement.GetProperty("prefixes").GetArrayLength(), bundled.Prefixes.Count(p => !p.Prefix.IsIPv6));
        Assert.Equal(doc.RootElement.GetProperty("ipv6_prefixes").GetArrayLength(), bundled.Prefixes.Count(p => p.Prefix.IsIPv6));
        Assert.Equal("bundled", bundled.Source);
    }

    [Fact]
    public void Find_agrees_with_a_linear_scan_of_the_full_file()
    {
        var set = AwsIpRangeSet.Load(Full);
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var p = set.Prefixes[random.Next(set.Prefixes.Count)];
            var address = p.Prefix.Network.Add(random.Next(0, (int)Math.Min((ulong)p.Prefix.Size, 1000)));
            var expected = set.Prefixes.Where(e => e.Prefix.Contains(address))
                .OrderByDescending(e => e.Specificity > 0).ThenByDescending(e => e.Prefix.Prefix).ThenByDescending(e => e.Specificity)
                .First();
            var found = set.Find(address)!;
            Assert.Equal((expected.Prefix, expected.Service), (found.Prefix, found.Service));
        }
    }

    [Fact]
    public void Matches_lists_every_containing_entry_most_specific_service_first()
    {
        var set = AwsIpRangeSet.Load(Subset);
        var all = set.Matches(IpAddress.Parse("16.15.200.7"));
        Assert.Equal("S3", all[0].Service);
        Assert.Equal("AMAZON", all[^1].Service);
        Assert.All(all, p => Assert.True(p.Prefix.Contains(IpAddress.Parse("16.15.200.7"))));
    }

    [Fact]
    public void A_malformed_prefix_is_named_in_the_error()
    {
        using var temp = new TestPaths.TempDir();
        var path = temp.File("bad.json");
        File.WriteAllText(path, """{"syncToken":"1","createDate":"x","prefixes":[{"ip_prefix":"10.0.0.0/33","region":"r","service":"S3","network_border_group":"r"}]}""");
        var e = Assert.Throws<FormatException>(() => AwsIpRangeSet.Load(path));
        Assert.Contains("prefixes[0]", e.Message);
        Assert.Throws<FileNotFoundException>(() => AwsIpRangeSet.Load(temp.File("missing.json")));
    }
}
