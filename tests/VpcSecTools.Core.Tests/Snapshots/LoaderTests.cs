using System.Text;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Snapshots;

public class LoaderTests
{
    public static TheoryData<string> Scenarios => new() { "test-vpc-peering", "test-transit-gateway", "test-nat-gateway", "eni-attribution" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_batfish_scenario_loads_with_every_file_recognised(string scenario)
    {
        var notes = new List<string>();
        var snapshot = SnapshotLoader.Load(TestPaths.Batfish(scenario), notes.Add);
        // eni-attribution holds two captures, each in its region's folder.
        Assert.Equal(scenario == "eni-attribution" ? ["us-east-1", "us-east-2"] : ["us-east-2"], snapshot.Regions.Select(r => r.Region));
        Assert.DoesNotContain(notes, n => n.Contains("skipped keys"));
        // Each file's top-level key became a captured section of its region.
        foreach (var file in Directory.GetFiles(TestPaths.Batfish(scenario), "*.json", SearchOption.AllDirectories))
        {
            var key = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)).RootElement.EnumerateObject().First().Name;
            var folder = Path.GetFileName(Path.GetDirectoryName(file)!);
            var region = snapshot.Regions.Single(r => r.Region == folder || snapshot.Regions.Count == 1);
            Assert.True(region.Has(key), $"{Path.GetFileName(file)} ({key}) not captured");
        }
    }

    [Fact]
    public void Peering_scenario_has_the_documented_shape()
    {
        var region = SnapshotLoader.Load(TestPaths.Batfish("test-vpc-peering")).Regions[0];
        Assert.Equal("554773406868", region.AccountId);
        Assert.Equal(3, region.Vpcs.Count);
        Assert.Equal(3, region.NetworkInterfaces.Count);
        var blackhole = region.RouteTables.SelectMany(t => t.Routes).Single(r => r.State == "blackhole");
        Assert.Equal("0.0.0.0/0", blackhole.DestinationCidrBlock);
        Assert.StartsWith("igw-", blackhole.GatewayId);
        Assert.False(region.Has(Section.InternetGateways));
        var sg = region.SecurityGroups.First(g => g.IpPermissions.Count > 0);
        Assert.NotEmpty(sg.IpPermissions[0].IpProtocol);
    }

    [Fact]
    public void Transit_gateway_wrapped_sections_load()
    {
        var region = SnapshotLoader.Load(TestPaths.Batfish("test-transit-gateway")).Regions[0];
        var propagations = Assert.Single(region.TransitGatewayPropagations);
        Assert.Equal("tgw-rtb-0fa40c8df355dce6e", propagations.TransitGatewayRouteTableId);
        Assert.Equal(2, propagations.TransitGatewayRouteTablePropagations.Count);
        Assert.Empty(Assert.Single(region.TransitGatewayStaticRoutes).Routes);
        Assert.Contains(region.TransitGatewayAttachments, a => a.ResourceType == "vpn" && a.State == "deleted");
        Assert.Equal(["subnet-006a19c846f047bd7"], region.TransitGatewayVpcAttachments.Single(a => a.VpcId == "vpc-0404e08ceddf7f650").SubnetIds);
    }

    [Fact]
    public void Files_are_recognised_by_key_not_name_and_pages_merge()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("page1.json"), """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","OwnerId":"111122223333"}],"NextToken":"abc"}""");
        File.WriteAllText(dir.File("page2.json"), """{"Vpcs":[{"VpcId":"vpc-2","CidrBlock":"10.1.0.0/16"},{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","OwnerId":"111122223333"}]}""");
        File.WriteAllText(dir.File("whatever.json"), """{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24","AvailabilityZone":"eu-west-1a"}]}""");
        var region = SnapshotLoader.Load(dir.Path).Regions.Single();
        Assert.Equal(["vpc-1", "vpc-2"], region.Vpcs.Select(v => v.VpcId));
        Assert.Equal("eu-west-1", region.Region);
        Assert.Equal("111122223333", region.AccountId);
        Assert.True(region.Has(Section.Subnets));
        Assert.False(region.Has(Section.SecurityGroups));
    }

    [Fact]
    public void Same_id_with_different_content_names_both_places()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("a.json"), """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}""");
        File.WriteAllText(dir.File("b.json"), """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.9.0.0/16"}]}""");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("a.json", e.Message);
        Assert.Contains("b.json", e.Message);
        Assert.Contains("vpc-1", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Invalid_json_names_file_line_and_column()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("Vpcs.json"), "{\n  \"Vpcs\": [\n    {\"VpcId\": \"vpc-1\",, }\n  ]\n}");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Matches(@"Vpcs\.json:3:\d+: invalid JSON", e.Message);
    }

    [Fact]
    public void Truncated_json_is_an_error_not_a_partial_model()
    {
        using var dir = new TestPaths.TempDir();
        var full = File.ReadAllText(Path.Combine(TestPaths.Batfish("test-nat-gateway"), "SecurityGroups.json"));
        File.WriteAllText(dir.File("SecurityGroups.json"), full[..(full.Length / 2)]);
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("SecurityGroups.json:", e.Message);
        Assert.Contains("invalid JSON", e.Message);
    }

    [Fact]
    public void A_wrong_shape_names_the_json_path()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("sg.json"), """{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":{"x":1}}]}]}""");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("$.SecurityGroups[0].IpPermissions[0].FromPort", e.Message);
    }

    [Fact]
    public void A_section_that_is_not_an_array_is_refused()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("x.json"), """{"Subnets":{"SubnetId":"subnet-1"}}""");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("$.Subnets", e.Message);
        Assert.Contains("expected an array", e.Message);
    }

    [Fact]
    public void An_item_without_its_id_is_refused()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("x.json"), """{"Subnets":[{"VpcId":"vpc-1"}]}""");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("SubnetId", e.Message);
        Assert.Contains("$.Subnets[0]", e.Message);
    }

    [Fact]
    public void Unknown_members_and_keys_are_ignored_with_a_verbose_note()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("x.json"), """{"Vpcs":[{"VpcId":"vpc-1","ShinyNewField":{"a":1},"Tags":[{"Key":"Name","Value":"x","Extra":1}]}],"Frobs":[]}""");
        var notes = new List<string>();
        var region = SnapshotLoader.Load(dir.Path, notes.Add).Regions.Single();
        Assert.Equal("x", region.Vpcs[0].Tags.NameTag());
        Assert.Contains(notes, n => n.Contains("Vpcs[].ShinyNewField") && n.Contains("Vpcs[].Tags[].Extra"));
        Assert.Contains(notes, n => n.Contains("Frobs"));
    }

    [Fact]
    public void A_missing_path_is_reported_as_such()
    {
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load("/nonexistent/snap"));
        Assert.Contains("no such file or folder", e.Message);
    }

    [Fact]
    public void A_folder_without_describe_output_is_refused()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("notes.txt"), "hello");
        Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
    }

    [Fact]
    public void Batfish_accounts_layout_keeps_account_and_region()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var (acct, region, scenario) in new[] { ("111111111111", "us-east-2", "test-nat-gateway"), ("222222222222", "eu-west-1", "test-vpc-peering") })
        {
            var target = Path.Combine(dir.Path, "aws_configs", "accounts", acct, region);
            Directory.CreateDirectory(target);
            foreach (var f in Directory.GetFiles(TestPaths.Batfish(scenario))) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        }
        var snapshot = SnapshotLoader.Load(dir.Path);
        Assert.Equal([("111111111111", "us-east-2"), ("222222222222", "eu-west-1")], snapshot.Regions.Select(r => (r.AccountId!, r.Region)));
    }

    [Fact]
    public void Old_describe_prefix_lists_shape_carries_cidrs()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("pl.json"), """{"PrefixLists":[{"PrefixListId":"pl-63a5400a","PrefixListName":"com.amazonaws.us-east-1.s3","Cidrs":["52.216.0.0/15","3.5.0.0/19"]}]}""");
        var index = new SnapshotIndex(SnapshotLoader.Load(dir.Path));
        Assert.Equal(["52.216.0.0/15", "3.5.0.0/19"], index.PrefixListCidrs("pl-63a5400a")!.Select(c => c.ToString()));
        Assert.Null(index.PrefixListCidrs("pl-unknown"));
    }
}

public class SnapshotFileTests
{
    [Theory]
    [MemberData(nameof(LoaderTests.Scenarios), MemberType = typeof(LoaderTests))]
    public void Folder_to_file_to_model_round_trips(string scenario)
    {
        using var dir = new TestPaths.TempDir();
        var fromFolder = SnapshotLoader.Load(TestPaths.Batfish(scenario));
        var file = dir.File("snap.json");
        SnapshotFile.Write(fromFolder, file);
        var fromFile = SnapshotLoader.Load(file);
        Assert.Equal(Canonical(fromFolder), Canonical(fromFile));
        Assert.Equal(fromFolder.Regions.Select(r => string.Join(",", r.CapturedSections.Order())), fromFile.Regions.Select(r => string.Join(",", r.CapturedSections.Order())));

        // Writing the loaded file again gives the same bytes: deterministic.
        var again = dir.File("again.json");
        SnapshotFile.Write(fromFile with { Metadata = fromFolder.Metadata }, again);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(again));
    }

    [Fact]
    public void Missing_sections_survive_the_round_trip()
    {
        using var dir = new TestPaths.TempDir();
        var builder = new InventoryBuilder("us-east-1", "111122223333");
        builder.Capture(Section.All.First(s => s.Key == Section.Vpcs));
        builder.AddMissing(new MissingSection(Section.NatGateways, "UnauthorizedOperation", "ec2:DescribeNatGateways was denied"));
        var snapshot = new VpcSnapshot { Regions = [builder.Build()] };
        SnapshotFile.Write(snapshot, dir.File("s.json"));
        var region = SnapshotLoader.Load(dir.File("s.json")).Regions.Single();
        Assert.True(region.Has(Section.Vpcs));
        Assert.Empty(region.Vpcs);
        Assert.False(region.Has(Section.NatGateways));
        Assert.Equal("ec2:DescribeNatGateways was denied", region.MissingSections.Single().Reason);
    }

    [Fact]
    public void A_newer_format_version_is_refused_clearly()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("s.json"), """{"SnapshotVersion": 99, "Regions": []}""");
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.File("s.json")));
        Assert.Contains("newer VpcSecTools", e.Message);
    }

    [Fact]
    public void Multi_region_snapshot_keeps_regions_apart()
    {
        using var dir = new TestPaths.TempDir();
        var a = SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway")).Regions[0];
        var b = SnapshotLoader.Load(TestPaths.Batfish("eni-attribution")).Regions.Single(r => r.Region == "us-east-1");
        SnapshotFile.Write(new VpcSnapshot { Regions = [a, b] }, dir.File("s.json"));
        var loaded = new SnapshotIndex(SnapshotLoader.Load(dir.File("s.json")));
        Assert.Equal(["us-east-1", "us-east-2"], loaded.Snapshot.Regions.Select(r => r.Region));
        Assert.Equal("us-east-1", loaded.RegionOf("eni-0084b734451ba23ca")!.Region);
        Assert.Equal("us-east-2", loaded.RegionOf("vpc-0008a7b45e3ddf1dd")!.Region);
    }

    internal static string Canonical(VpcSnapshot snapshot)
    {
        using var stream = new MemoryStream();
        SnapshotFile.Write(snapshot with { Metadata = new SnapshotMetadata() }, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
