using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VpcSecTools.Errors;
using VpcSecTools.Exposure;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.Snapshots;

/// <summary>
/// Each class of bad loader input gives one error that names its place (file and JSON path, or file:line:column),
/// through the loader and through <c>vpcsec snapshot show</c> (one line on stderr, exit 2): never a default,
/// a silent skip or an exception from deep inside.
/// </summary>
public class BadInputTests
{
    private const string Rule = """{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}""";

    private static string Group(string permissions) =>
        $$"""{"SecurityGroups":[{"GroupId":"sg-1","VpcId":"vpc-1","IpPermissions":{{permissions}},"IpPermissionsEgress":[]}]}""";

    private static string Acl(string entry) =>
        $$"""{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":false,"Associations":[],"Entries":[{{entry}}]}]}""";

    private static string Snapshot(string region) => $$"""{"SnapshotVersion":1,"Regions":[{{region}}]}""";

    /// <summary>Input class, file bytes, the place the error must name, and what it must say.</summary>
    public static TheoryData<string, byte[], string, string> Cases => new()
    {
        { "null item in a list", Utf8(Group("[null]")), "$.SecurityGroups[0].IpPermissions[0]", "a list item is null" },
        { "null item in a section", Utf8("""{"Vpcs":[null]}"""), "$.Vpcs[0]", "found null" },
        { "null item in a list of strings", Utf8("""{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","RouteTableIds":["rtb-1",null]}]}"""), "$.VpcEndpoints[0].RouteTableIds[1]", "a list item is null" },
        { "required member absent", Utf8(Group("""[{"FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]""")), "$.SecurityGroups[0].IpPermissions[0].IpProtocol", "required, but absent" },
        { "required member null", Utf8(Group("""[{"IpProtocol":null,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]""")), "$.SecurityGroups[0].IpPermissions[0].IpProtocol", "required, but null" },
        { "required CIDR absent", Utf8(Group("""[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"Description":"office"}]}]""")), "$.SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp", "required, but absent" },
        { "required number absent", Utf8(Acl("""{"Egress":false,"Protocol":"-1","RuleAction":"deny","CidrBlock":"0.0.0.0/0"}""")), "$.NetworkAcls[0].Entries[0].RuleNumber", "required, but absent" },
        { "required flag absent", Utf8(Acl("""{"RuleNumber":100,"Protocol":"-1","RuleAction":"deny","CidrBlock":"0.0.0.0/0"}""")), "$.NetworkAcls[0].Entries[0].Egress", "required, but absent" },
        { "NACL entry without a CIDR", Utf8(Acl("""{"RuleNumber":100,"Egress":false,"Protocol":"-1","RuleAction":"deny"}""")), "$.NetworkAcls[0].Entries[0]", "one of CidrBlock, Ipv6CidrBlock is required" },
        { "route without a destination", Utf8("""{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[{"GatewayId":"igw-1","State":"active"}]}]}"""), "$.RouteTables[0].Routes[0]", "one of DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId" },
        { "one member in two cases", Utf8(Group("""[{"IpProtocol":"tcp","ipprotocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]""")), "$.SecurityGroups[0].IpPermissions[0].ipprotocol", "\"IpProtocol\" and \"ipprotocol\" name the same member" },
        { "one member twice", Utf8(Group("""[{"IpProtocol":"tcp","IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]""")), "$.SecurityGroups[0].IpPermissions[0].IpProtocol", "appears twice" },
        { "one section in two cases", Utf8("""{"Vpcs":[],"VPCS":[]}"""), "$.VPCS", "appears twice" },
        { "number where a string belongs", Utf8("""{"Vpcs":[{"VpcId":"vpc-1","OwnerId":111122223333}]}"""), "$.Vpcs[0].OwnerId", "expected a string, found 111122223333" },
        { "string where a number belongs", Utf8(Group("""[{"IpProtocol":"tcp","FromPort":"ssh","ToPort":22,"IpRanges":[]}]""")), "$.SecurityGroups[0].IpPermissions[0].FromPort", "expected a whole number" },
        { "number out of range", Utf8(Group("""[{"IpProtocol":"tcp","FromPort":1e400,"ToPort":22,"IpRanges":[]}]""")), "$.SecurityGroups[0].IpPermissions[0].FromPort", "expected a whole number" },
        { "fraction where a whole number belongs", Utf8(Group("""[{"IpProtocol":"tcp","FromPort":22.5,"ToPort":22,"IpRanges":[]}]""")), "$.SecurityGroups[0].IpPermissions[0].FromPort", "found 22.5" },
        { "string where a flag belongs", Utf8(Acl("""{"RuleNumber":100,"Egress":"false","Protocol":"-1","RuleAction":"deny","CidrBlock":"0.0.0.0/0"}""")), "$.NetworkAcls[0].Entries[0].Egress", "expected true or false" },
        { "object where a list belongs", Utf8(Group("""{"IpProtocol":"-1"}""")), "$.SecurityGroups[0].IpPermissions", "expected an array, found an object" },
        { "list where an object belongs", Utf8("""{"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","Attachment":[]}]}"""), "$.NetworkInterfaces[0].Attachment", "expected an object (NetworkInterfaceAttachment), found an array" },
        { "item without its id", Utf8("""{"Subnets":[{"VpcId":"vpc-1"}]}"""), "$.Subnets[0].SubnetId", "required, but absent" },
        { "invalid UTF-8 in a member name", [.. Utf8("{\"Vpcs\":[{\"VpcId\":\"vpc-1\",\n  \"Own"), 0xFF, .. Utf8("er\":\"1\"}]}")], "x.json:2:7", "invalid UTF-8 (byte 0xFF)" },
        { "invalid UTF-8 in a value", [.. Utf8("{\"Vpcs\":[{\"VpcId\":\"vpc-"), 0xC3, 0x28, .. Utf8("\"}]}")], "x.json:1:24", "invalid UTF-8 (byte 0xC3)" },
        { "unpaired surrogate escape in a name", Utf8("""{"Vpcs":[{"VpcId":"vpc-1","\ud800x":1}]}"""), "$.Vpcs[0]", "invalid \\u escape" },
        { "unpaired surrogate escape in a value", Utf8("""{"Vpcs":[{"VpcId":"vpc-\udc00"}]}"""), "$.Vpcs[0].VpcId", "invalid \\u escape" },
        { "unpaired surrogate in UTF-16", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"Vpcs\":\n[{\"VpcId\":\"vpc-"), 0x00, 0xD8, .. Encoding.Unicode.GetBytes("\"}]}")], "x.json:2:16", "invalid UTF-16 (unpaired surrogate 0xD800)" },
        { "UTF-32", [0xFF, 0xFE, 0, 0, (byte)'{', 0, 0, 0, (byte)'}', 0, 0, 0], "x.json:1:1", "UTF-32" },
        { "invalid JSON in UTF-16, column in characters", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"Vpcs\":\n[{\"VpcId\":\"vpé\",, }]}")], "x.json:2:17", "invalid JSON" },
        { "invalid JSON after a UTF-8 BOM", [0xEF, 0xBB, 0xBF, .. Utf8("{\"Vpcs\": [,]}")], "x.json:1:11", "invalid JSON" },
        { "empty document", [], "x.json:1:1", "invalid JSON" },
        { "MissingSections not an array", Utf8(Snapshot("""{"Region":"us-east-1","MissingSections":5}""")), "$.Regions[0].MissingSections", "expected an array, found Number" },
        { "MissingSections item without a reason", Utf8(Snapshot("""{"Region":"us-east-1","MissingSections":[{"Section":"NatGateways","ErrorCode":"UnauthorizedOperation"}]}""")), "$.Regions[0].MissingSections[0].Reason", "required, but absent" },
        { "a section both missing and captured", Utf8(Snapshot("""{"Region":"us-east-1","MissingSections":[{"Section":"Vpcs","ErrorCode":"X","Reason":"denied"}],"Vpcs":[]}""")), "$.Regions[0].MissingSections", "Vpcs is listed as missing and also holds items" },
        { "one region twice", Utf8("""{"SnapshotVersion":1,"Regions":[{"Region":"us-east-1","AccountId":"1","Vpcs":[]},{"Region":"us-east-1","AccountId":"1","Subnets":[]}]}"""), "$.Regions[1]", "also appears at $.Regions[0]" },
        { "bad item inside a snapshot file", Utf8(Snapshot("""{"Region":"us-east-1","SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[null]}]}""")), "$.Regions[0].SecurityGroups[0].IpPermissions[0]", "a list item is null" },
        { "one id in two regions", Utf8("""{"SnapshotVersion":1,"Regions":[{"Region":"us-east-1","AccountId":"1","Vpcs":[{"VpcId":"vpc-1"}]},{"Region":"us-west-2","AccountId":"1","Vpcs":[{"VpcId":"vpc-1"}]}]}"""), "$.Regions[1]", "VpcId vpc-1 is in region us-west-2 and also in us-east-1 ($.Regions[0])" },
        { "Regions not an array", Utf8("""{"SnapshotVersion":1,"Regions":{}}"""), "$.Regions", "expected an array of regions" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bad_input_names_its_place(string inputClass, byte[] content, string place, string problem)
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("x.json"), content);
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.File("x.json")));
        Assert.True(e.Message.Contains(place, StringComparison.Ordinal), $"{inputClass}: '{e.Message}' does not name {place}");
        Assert.True(e.Message.Contains(problem, StringComparison.Ordinal), $"{inputClass}: '{e.Message}' does not say {problem}");
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(ErrorCatalog.SnapshotInvalid, ErrorCatalog.Classify(e).ErrorId);
    }

    [Fact]
    public void Every_model_record_reads_with_its_required_members_from_its_declaration()
    {
        // The rules every verdict leans on: a default here would change an answer (IpProtocol "-1" is all traffic).
        Assert.Equal(["IpProtocol"], Required(typeof(IpPermission)));
        Assert.Equal(["CidrIp"], Required(typeof(IpRange)));
        Assert.Equal(["CidrIpv6"], Required(typeof(Ipv6Range)));
        Assert.Equal(["PrefixListId"], Required(typeof(PrefixListReference)));
        Assert.Equal(["Egress", "Protocol", "RuleAction", "RuleNumber"], Required(typeof(NetworkAclEntry)));
        Assert.Equal(["GroupId"], Required(typeof(GroupIdentifier)));
        Assert.Equal(["PrivateIpAddress"], Required(typeof(NetworkInterfacePrivateIpAddress)));
        // Every section item type (and everything it holds) has a shape the reader supports, with its id required.
        foreach (var section in Section.All)
        {
            var shape = RecordShape.Of(section.ItemType);
            var id = shape.Members.Single(m => m.Name == section.IdName);
            // A reservation without its id is known by its first instance's.
            Assert.True(id.Required || section.Key == Section.Reservations, section.Key);
            Walk(section.ItemType, []);
        }

        static void Walk(Type type, HashSet<Type> seen)
        {
            if (!seen.Add(type)) return;
            foreach (var m in RecordShape.Of(type).Members)
                if (m.Kind == MemberKind.Record || m.ItemKind == MemberKind.Record) Walk(m.RecordType, seen);
        }
    }

    private static string[] Required(Type type) =>
        RecordShape.Of(type).Members.Where(m => m.Required).Select(m => m.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Null_is_the_same_as_absent_for_every_list_and_optional_member()
    {
        // What Go's encoding/json and PowerShell's ConvertTo-Json write for a value the API left out.
        var original = SnapshotLoader.Load(TestPaths.Demo);
        var node = JsonNode.Parse(SnapshotFileTests.Canonical(original))!;
        int nulled = NullEmptyLists(node);
        Assert.True(nulled > 100, $"only {nulled} lists made null");
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("nulls.json"), node.ToJsonString());
        var loaded = SnapshotLoader.Load(dir.File("nulls.json"));
        Assert.Equal(SnapshotFileTests.Canonical(original), SnapshotFileTests.Canonical(loaded));

        // And the analyses answer on it as on the original.
        var index = new SnapshotIndex(loaded);
        Assert.Equal(Verdict.NotReachable, new ReachabilityAnalyzer(index).Analyze("10.0.0.12", "10.0.20.77", Traffic.Tcp(5432)).Verdict);
        Assert.NotEmpty(OpenPortAudit.Run(index, new AuditOptions()).Findings);
    }

    /// <summary>Replaces every empty array in the document by null, and adds an explicit null beside every optional member.</summary>
    private static int NullEmptyLists(JsonNode? node)
    {
        int count = 0;
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToArray())
                {
                    if (value is JsonArray { Count: 0 } && key != "Regions") { o[key] = null; count++; }
                    else count += NullEmptyLists(value);
                }
                if (o.ContainsKey("VpcId") && !o.ContainsKey("Description")) o["Description"] = null;
                break;
            case JsonArray a:
                foreach (var item in a) count += NullEmptyLists(item);
                break;
        }
        return count;
    }

    [Fact]
    public void Names_match_without_regard_to_case()
    {
        var original = SnapshotLoader.Load(TestPaths.Demo);
        var text = SnapshotFileTests.Canonical(original);
        // Every member name in lower case, as a hand edit or another tool might write it.
        var lowered = System.Text.RegularExpressions.Regex.Replace(text, "\"([A-Za-z0-9]+)\":", m => $"\"{m.Groups[1].Value.ToLowerInvariant()}\":");
        Assert.NotEqual(text, lowered);
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("lower.json"), lowered);
        Assert.Equal(text, SnapshotFileTests.Canonical(SnapshotLoader.Load(dir.File("lower.json"))));

        // The wrong-case key is read, not dropped: "ipprotocol" is not left to default to "-1" (all traffic).
        File.WriteAllText(dir.File("sg.json"), Group("""[{"ipprotocol":"tcp","fromport":22,"toport":22,"ipranges":[{"cidrip":"0.0.0.0/0"}]}]"""));
        var rule = SnapshotLoader.Load(dir.File("sg.json")).Regions[0].SecurityGroups[0].IpPermissions[0];
        Assert.Equal(("tcp", 22, 22, "0.0.0.0/0"), (rule.IpProtocol, rule.FromPort, rule.ToPort, rule.IpRanges[0].CidrIp));
    }

    [Fact]
    public void Values_reach_the_index_as_written()
    {
        // Whether "0.0.0.0/33" or "garbage" means anything is the index's to decide; the loader passes them on untouched.
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("sg.json"), Group("""[{"IpProtocol":"garbage","FromPort":"65536","ToPort":-7,"IpRanges":[{"CidrIp":"0.0.0.0/33"},{"CidrIp":""}]}]"""));
        var rule = SnapshotLoader.Load(dir.File("sg.json")).Regions[0].SecurityGroups[0].IpPermissions[0];
        Assert.Equal(("garbage", 65536, -7), (rule.IpProtocol, rule.FromPort, rule.ToPort));
        Assert.Equal(["0.0.0.0/33", ""], rule.IpRanges.Select(r => r.CidrIp));
    }

    [Fact]
    public void Timestamps_are_kept_as_text_whatever_their_year()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("s.json"), Snapshot("""{"Region":"us-east-1","NatGateways":[{"NatGatewayId":"nat-1","CreateTime":"12026-01-01T00:00:00Z","NatGatewayAddresses":null}]}""")
            .Replace("\"SnapshotVersion\":1", "\"SnapshotVersion\":1,\"CapturedAt\":\"99999-12-31T23:59:59Z\""));
        var snapshot = SnapshotLoader.Load(dir.File("s.json"));
        Assert.Equal("99999-12-31T23:59:59Z", snapshot.Metadata.CapturedAt);
        Assert.Equal("12026-01-01T00:00:00Z", snapshot.Regions[0].NatGateways[0].CreateTime);
        Assert.Empty(snapshot.Regions[0].NatGateways[0].NatGatewayAddresses);
        Assert.Empty(new SnapshotIndex(snapshot).Notes);
    }

    [Theory]
    [InlineData("utf-8 with BOM")]
    [InlineData("utf-16LE with BOM")]
    [InlineData("utf-16BE with BOM")]
    [InlineData("utf-16LE without BOM")]
    public void Describe_and_snapshot_files_load_in_every_unicode_encoding_windows_writes(string encoding)
    {
        Encoding e = encoding.StartsWith("utf-8") ? new UTF8Encoding(true) : new UnicodeEncoding(encoding.Contains("BE"), encoding.Contains("with BOM"));
        using var dir = new TestPaths.TempDir();
        // A describe folder: every file of the demo re-encoded, as `aws ec2 describe-... > file.json` in Windows PowerShell 5.1 writes them.
        var folder = Path.Combine(dir.Path, "aws_configs", "us-east-1");
        Directory.CreateDirectory(folder);
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1")))
            File.WriteAllBytes(Path.Combine(folder, Path.GetFileName(f)), [.. e.GetPreamble(), .. e.GetBytes(File.ReadAllText(f))]);
        var original = SnapshotFileTests.Canonical(SnapshotLoader.Load(TestPaths.Demo));
        Assert.Equal(original, SnapshotFileTests.Canonical(SnapshotLoader.Load(dir.Path)));
        // And a snapshot file.
        File.WriteAllBytes(dir.File("s.json"), [.. e.GetPreamble(), .. e.GetBytes(original)]);
        Assert.Equal(original, SnapshotFileTests.Canonical(SnapshotLoader.Load(dir.File("s.json"))));
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

public class BadInputCliTests
{
    [Theory]
    [MemberData(nameof(BadInputTests.Cases), MemberType = typeof(BadInputTests))]
    public void Snapshot_show_prints_one_line_naming_the_place_and_exits_2(string inputClass, byte[] content, string place, string problem)
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("x.json"), content);
        var (exit, stdout, stderr) = CliRunner.Run("snapshot", "show", "--snapshot", dir.File("x.json"));
        Assert.True(exit == 2, $"{inputClass}: exit {exit}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vpcsec: SnapshotInvalid: ", line);
        Assert.Contains(place, line);
        Assert.Contains(problem, line);
    }
}
