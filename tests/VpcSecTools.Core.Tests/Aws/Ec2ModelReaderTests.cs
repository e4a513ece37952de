using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using VpcSecTools.Aws;
using VpcSecTools.Snapshot;
using Ec2 = Amazon.EC2.Model;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// Reading AWSSDK.EC2's objects into the snapshot by property name, the one path of live capture and of piped
/// AWS.Tools objects: nothing the model declares is lost, SDK 3's shapes read like SDK 4's, and objects of another
/// load context read like our own.
/// </summary>
public class Ec2ModelReaderTests
{
    public static TheoryData<string, Type> Responses => Ec2ModelTests.Items;

    /// <summary>
    /// Full model: a response whose every member the snapshot declares is filled (two items in every list, each string
    /// holding its own path) reads back with every member at its path, through the same calls live capture makes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Responses))]
    public void A_full_response_loses_no_member_the_snapshot_declares(string section, Type response)
    {
        Section.TryGet(section, out var s);
        var sdk = Activator.CreateInstance(response)!;
        var list = response.GetProperty(section)!;
        list.SetValue(sdk, Fill(list.PropertyType, typeof(IReadOnlyList<>).MakeGenericType(s.ItemType), section));

        var region = Read(Ec2ModelReader.ToDocument(sdk, "full model"));
        var problems = new List<string>();
        Walk(s.Get(region), typeof(IReadOnlyList<>).MakeGenericType(s.ItemType), section, problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(2, s.Get(region).Count);
    }

    /// <summary>The per-parent sections as capture builds them: the parent's id and every page's items in one wrapper.</summary>
    [Theory]
    [InlineData(nameof(Section.PrefixListEntries), "Entries", typeof(Ec2.GetManagedPrefixListEntriesResponse))]
    [InlineData(nameof(Section.TransitGatewayStaticRoutes), "Routes", typeof(Ec2.SearchTransitGatewayRoutesResponse))]
    [InlineData(nameof(Section.TransitGatewayPropagatedRoutes), "Routes", typeof(Ec2.SearchTransitGatewayRoutesResponse))]
    [InlineData(nameof(Section.TransitGatewayRouteTableAssociations), "Associations", typeof(Ec2.GetTransitGatewayRouteTableAssociationsResponse))]
    [InlineData(nameof(Section.TransitGatewayPropagations), "TransitGatewayRouteTablePropagations", typeof(Ec2.GetTransitGatewayRouteTablePropagationsResponse))]
    public void A_full_per_parent_answer_loses_no_member(string section, string member, Type response)
    {
        Section.TryGet(section, out var s);
        var items = response.GetProperty(member)!.PropertyType;
        var record = s.ItemType.GetProperty(member)!.PropertyType;
        var wrapper = new Dictionary<string, object?>
        {
            [s.IdName] = $"{section}[0].{s.IdName}",
            [member] = Fill(items, record, $"{section}[0].{member}"),
        };
        if (s.ItemType == typeof(TransitGatewayRouteTableRoutes)) wrapper["AdditionalRoutesAvailable"] = true;

        var region = Read(Ec2ModelReader.ToDocument(s, [wrapper], "full model"));
        var problems = new List<string>();
        Walk(s.Get(region), typeof(IReadOnlyList<>).MakeGenericType(s.ItemType), section, problems, single: true);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_fields_the_analyses_depend_on_are_read()
    {
        var group = new Ec2.SecurityGroup
        {
            GroupId = "sg-1", VpcId = "vpc-1",
            IpPermissions =
            [
                new Ec2.IpPermission
                {
                    IpProtocol = "tcp", FromPort = 22, ToPort = 22,
                    Ipv4Ranges = [new Ec2.IpRange { CidrIp = "10.0.0.0/8", Description = "office" }],
                    Ipv6Ranges = [new Ec2.Ipv6Range { CidrIpv6 = "2001:db8::/32" }],
                    PrefixListIds = [new Ec2.PrefixListId { Id = "pl-1" }],
                    UserIdGroupPairs = [new Ec2.UserIdGroupPair { GroupId = "sg-2", UserId = "111122223333", PeeringStatus = "deleted", VpcPeeringConnectionId = "pcx-1" }],
                },
                new Ec2.IpPermission { IpProtocol = "-1" },
            ],
        };
        var table = new Ec2.RouteTable
        {
            RouteTableId = "rtb-1", VpcId = "vpc-1",
            Routes = [new Ec2.Route { DestinationPrefixListId = "pl-1", GatewayId = "vpce-1", State = Amazon.EC2.RouteState.Blackhole, Origin = Amazon.EC2.RouteOrigin.CreateRoute }],
        };
        var nat = new Ec2.NatGateway
        {
            NatGatewayId = "nat-1", State = Amazon.EC2.NatGatewayState.Available,
            NatGatewayAddresses = [new Ec2.NatGatewayAddress { PrivateIp = "10.0.0.5", PublicIp = "3.3.3.3", IsPrimary = true }],
        };
        var endpoint = new Ec2.VpcEndpoint { VpcEndpointId = "vpce-1", VpcEndpointType = Amazon.EC2.VpcEndpointType.Gateway, RouteTableIds = ["rtb-1", "rtb-2"] };

        var inventory = new Ec2ObjectInventory("us-east-1");
        foreach (var (item, i) in new object[] { group, table, nat, endpoint }.Select((x, i) => (x, i))) inventory.Add(item, $"object {i}");
        var region = inventory.Build();

        var rule = region.SecurityGroups.Single().IpPermissions[0];
        Assert.Equal((22, 22), (rule.FromPort, rule.ToPort));
        Assert.Equal(("10.0.0.0/8", "office"), (rule.IpRanges.Single().CidrIp, rule.IpRanges.Single().Description));
        Assert.Equal("2001:db8::/32", rule.Ipv6Ranges.Single().CidrIpv6);
        Assert.Equal("pl-1", rule.PrefixListIds.Single().PrefixListId);
        Assert.Equal(("deleted", "pcx-1", "111122223333"), (rule.UserIdGroupPairs.Single().PeeringStatus, rule.UserIdGroupPairs.Single().VpcPeeringConnectionId, rule.UserIdGroupPairs.Single().UserId));
        // An unset port of an all-traffic rule stays absent, as the CLI prints it.
        Assert.Equal(("-1", null, null), (region.SecurityGroups.Single().IpPermissions[1].IpProtocol, region.SecurityGroups.Single().IpPermissions[1].FromPort, region.SecurityGroups.Single().IpPermissions[1].ToPort));
        var route = region.RouteTables.Single().Routes.Single();
        Assert.Equal(("pl-1", "vpce-1", "blackhole", "CreateRoute"), (route.DestinationPrefixListId, route.GatewayId, route.State, route.Origin));
        Assert.Equal(("10.0.0.5", "3.3.3.3", true), (region.NatGateways.Single().NatGatewayAddresses.Single().PrivateIp, region.NatGateways.Single().NatGatewayAddresses.Single().PublicIp, region.NatGateways.Single().NatGatewayAddresses.Single().IsPrimary));
        Assert.Equal(["rtb-1", "rtb-2"], region.VpcEndpoints.Single().RouteTableIds);
        Assert.Equal("Gateway", region.VpcEndpoints.Single().VpcEndpointType);
        Assert.Equal([Section.NatGateways, Section.RouteTables, Section.SecurityGroups, Section.VpcEndpoints], region.CapturedSections.Order());
    }

    /// <summary>
    /// AWS.Tools 4 is built on AWSSDK.EC2 3, which the feed does not serve: these classes have its public shape (as its
    /// sources declare it): <c>IpRanges</c> as bare CIDR strings beside <c>Ipv4Ranges</c>, ports as plain ints that read
    /// 0 when unset (its internal <c>IsSet…()</c> says so), enumerations as <c>ConstantClass</c>, local-time timestamps.
    /// </summary>
    private sealed class V3IpPermission
    {
        private int? _fromPort, _toPort;
        public string? IpProtocol { get; set; }
        public int FromPort { get => _fromPort.GetValueOrDefault(); set => _fromPort = value; }
        public int ToPort { get => _toPort.GetValueOrDefault(); set => _toPort = value; }
        public List<string> IpRanges { get; set; } = [];
        public List<Ec2.IpRange> Ipv4Ranges { get; set; } = [];
        public List<Ec2.Ipv6Range> Ipv6Ranges { get; set; } = [];
        public List<Ec2.PrefixListId> PrefixListIds { get; set; } = [];
        public List<Ec2.UserIdGroupPair> UserIdGroupPairs { get; set; } = [];
        internal bool IsSetFromPort() => _fromPort.HasValue;
        internal bool IsSetToPort() => _toPort.HasValue;
    }

    private sealed class SecurityGroup
    {
        public string? GroupId { get; set; }
        public string? VpcId { get; set; }
        public List<V3IpPermission> IpPermissions { get; set; } = [];
        public List<V3IpPermission> IpPermissionsEgress { get; set; } = [];
    }

    private sealed class NetworkInterface
    {
        private bool? _sourceDestCheck;
        public string? NetworkInterfaceId { get; set; }
        public Amazon.EC2.NetworkInterfaceStatus? Status { get; set; }
        public bool SourceDestCheck { get => _sourceDestCheck.GetValueOrDefault(); set => _sourceDestCheck = value; }
        public NetworkInterfaceAttachment? Attachment { get; set; }
        internal bool IsSetSourceDestCheck() => _sourceDestCheck.HasValue;
    }

    private sealed class NetworkInterfaceAttachment
    {
        public DateTime AttachTime { get; set; }
        public string? InstanceId { get; set; }
    }

    [Fact]
    public void SDK_3_shapes_read_as_SDK_4_shapes()
    {
        var group = new SecurityGroup
        {
            GroupId = "sg-1", VpcId = "vpc-1",
            IpPermissions =
            [
                new V3IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, IpRanges = ["0.0.0.0/0", "10.0.0.0/8"] },
                new V3IpPermission { IpProtocol = "tcp", FromPort = 0, ToPort = 0, IpRanges = ["10.0.0.0/8"], Ipv4Ranges = [new Ec2.IpRange { CidrIp = "10.0.0.0/8", Description = "described" }] },
                new V3IpPermission { IpProtocol = "-1", IpRanges = ["0.0.0.0/0"] },
            ],
        };
        var eni = new NetworkInterface
        {
            NetworkInterfaceId = "eni-1", Status = Amazon.EC2.NetworkInterfaceStatus.InUse,
            Attachment = new() { AttachTime = new DateTime(2020, 3, 3, 1, 21, 4, DateTimeKind.Utc).ToLocalTime(), InstanceId = "i-1" },
        };
        var inventory = new Ec2ObjectInventory("us-east-1");
        inventory.Add(group, "v3 group");
        inventory.Add(eni, "v3 eni");
        var region = inventory.Build();

        var rules = region.SecurityGroups.Single().IpPermissions;
        Assert.Equal(["0.0.0.0/0", "10.0.0.0/8"], rules[0].IpRanges.Select(r => r.CidrIp));
        // Ipv4Ranges, with descriptions, wins over the bare strings when both are there.
        Assert.Equal("described", rules[1].IpRanges.Single().Description);
        // Port 0 set is a port; unset reads as absent, not as 0.
        Assert.Equal((0, 0), (rules[1].FromPort, rules[1].ToPort));
        Assert.Equal((null, null), (rules[2].FromPort, rules[2].ToPort));
        var read = region.NetworkInterfaces.Single();
        Assert.Equal("in-use", read.Status);
        Assert.Null(read.SourceDestCheck);
        Assert.Equal("2020-03-03 01:21:04+00:00", read.Attachment!.AttachTime);
    }

    [Fact]
    public void Objects_of_another_load_context_read_as_our_own()
    {
        // AWS.Tools loads its own AWSSDK: the same classes, another type identity.
        var context = new AssemblyLoadContext("aws-tools-stand-in", isCollectible: true);
        try
        {
            var folder = Path.GetDirectoryName(typeof(Ec2.SecurityGroup).Assembly.Location)!;
            context.LoadFromAssemblyPath(Path.Combine(folder, "AWSSDK.Core.dll"));
            var ec2 = context.LoadFromAssemblyPath(Path.Combine(folder, "AWSSDK.EC2.dll"));
            var foreignGroup = ec2.GetType("Amazon.EC2.Model.SecurityGroup", throwOnError: true)!;
            Assert.NotEqual(typeof(Ec2.SecurityGroup), foreignGroup);
            object Make(string type, params (string Name, object? Value)[] members)
            {
                var value = Activator.CreateInstance(ec2.GetType("Amazon.EC2.Model." + type, throwOnError: true)!)!;
                foreach (var (name, v) in members) value.GetType().GetProperty(name)!.SetValue(value, v);
                return value;
            }
            IList ListOf(string type, params object[] items)
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(ec2.GetType("Amazon.EC2.Model." + type, throwOnError: true)!))!;
                foreach (var item in items) list.Add(item);
                return list;
            }
            var permission = Make("IpPermission", ("IpProtocol", "tcp"), ("FromPort", 443), ("ToPort", 443),
                ("Ipv4Ranges", ListOf("IpRange", Make("IpRange", ("CidrIp", "0.0.0.0/0")))));
            var theirs = Make("SecurityGroup", ("GroupId", "sg-1"), ("VpcId", "vpc-1"), ("IpPermissions", ListOf("IpPermission", permission)));
            var ours = new Ec2.SecurityGroup
            {
                GroupId = "sg-1", VpcId = "vpc-1",
                IpPermissions = [new Ec2.IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv4Ranges = [new Ec2.IpRange { CidrIp = "0.0.0.0/0" }] }],
            };
            Assert.Equal(Ec2ModelReader.ToDocument(ours, "ours").ToJsonString(), Ec2ModelReader.ToDocument(theirs, "theirs").ToJsonString());
            Assert.Contains("0.0.0.0/0", Ec2ModelReader.ToDocument(theirs, "theirs").ToJsonString());
        }
        finally { context.Unload(); }
    }

    [Fact]
    public void A_response_with_none_is_captured_with_none()
    {
        var region = Read(Ec2ModelReader.ToDocument(new Ec2.DescribeNatGatewaysResponse(), "empty"));
        Assert.True(region.Has(Section.NatGateways));
        Assert.Empty(region.NatGateways);
    }

    [Fact]
    public void A_declared_section_is_captured_with_none_and_an_undeclared_one_is_missing()
    {
        var inventory = new Ec2ObjectInventory("us-east-1");
        inventory.Declare(Section.All.Single(s => s.Key == Section.NatGateways));
        inventory.Add(new Ec2.Vpc { VpcId = "vpc-1", CidrBlock = "10.0.0.0/16" }, "vpc");
        var region = inventory.Build();
        Assert.Equal([Section.NatGateways, Section.Vpcs], region.CapturedSections.Order());
        Assert.False(region.Has(Section.SecurityGroups));
    }

    [Fact]
    public void An_object_that_is_not_network_configuration_is_an_error_naming_it()
    {
        var inventory = new Ec2ObjectInventory("us-east-1");
        var e = Assert.Throws<SnapshotFormatException>(() => inventory.Add(new Ec2.Region { RegionName = "us-east-1" }, "input object 1 (Amazon.EC2.Model.Region)"));
        Assert.StartsWith("input object 1 (Amazon.EC2.Model.Region): a Amazon.EC2.Model.Region is not EC2 network configuration", e.Message);
        Assert.Equal(VpcSecTools.Errors.ErrorCatalog.SnapshotInvalid, VpcSecTools.Errors.ErrorCatalog.Classify(e).ErrorId);
    }

    [Fact]
    public void An_unreadable_object_names_its_member_and_leaves_its_section_missing_not_partial()
    {
        var inventory = new Ec2ObjectInventory("us-east-1");
        inventory.Add(new Ec2.SecurityGroup { GroupId = "sg-good", VpcId = "vpc-1" }, "input object 1");
        var bad = new Dictionary<string, object?>
        {
            ["SecurityGroups"] = new object[] { new Dictionary<string, object?> { ["GroupId"] = "sg-bad", ["IpPermissions"] = new object[] { new Dictionary<string, object?> { ["IpProtocol"] = "tcp", ["FromPort"] = "twenty-two" } } } },
        };
        var e = Assert.Throws<SnapshotFormatException>(() => inventory.Add(bad, "input object 2"));
        Assert.Equal("input object 2: $.SecurityGroups[0].IpPermissions[0].FromPort: expected an integer, found \"twenty-two\"", e.Message);
        var region = inventory.Build();
        Assert.False(region.Has(Section.SecurityGroups));
        Assert.Empty(region.SecurityGroups);
        var missing = Assert.Single(region.MissingSections);
        Assert.Equal((Section.SecurityGroups, "InvalidInputObject"), (missing.Section, missing.ErrorCode));
    }

    [Fact]
    public void An_instance_is_kept_as_a_reservation_of_its_own()
    {
        var inventory = new Ec2ObjectInventory("us-east-1");
        inventory.Add(new Ec2.Instance { InstanceId = "i-1", PrivateIpAddress = "10.0.0.5", State = new Ec2.InstanceState { Name = Amazon.EC2.InstanceStateName.Running } }, "instance");
        var instance = inventory.Build().Instances.Single();
        Assert.Equal(("i-1", "running"), (instance.InstanceId, instance.State!.Name));
    }

    private static RegionInventory Read(System.Text.Json.Nodes.JsonObject document)
    {
        var builder = new InventoryBuilder("us-east-1");
        builder.AddDocument(JsonSerializer.SerializeToElement(document), "full model");
        return builder.Build();
    }

    /// <summary>An SDK value of <paramref name="sdk"/> type for the record member of <paramref name="record"/> type at <paramref name="path"/>.</summary>
    private static object? Fill(Type sdk, Type record, string path)
    {
        var underlying = Nullable.GetUnderlyingType(sdk) ?? sdk;
        if (underlying == typeof(string)) return path;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(int)) return 7;
        if (underlying == typeof(long)) return 7L;
        if (underlying == typeof(DateTime)) return new DateTime(2020, 3, 3, 1, 21, 4, DateTimeKind.Utc);
        if (typeof(Amazon.Runtime.ConstantClass).IsAssignableFrom(underlying))
            return underlying.GetMethod("FindValue", BindingFlags.Public | BindingFlags.Static, [typeof(string)])!.Invoke(null, [path]);
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(underlying)!;
            var item = underlying.GetGenericArguments()[0];
            var recordItem = record.GetGenericArguments()[0];
            for (int i = 0; i < 2; i++) list.Add(Fill(item, recordItem, $"{path}[{i}]"));
            return list;
        }
        var value = Activator.CreateInstance(underlying)!;
        foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (record == typeof(ManagedPrefixList) && property.Name == "Cidrs") continue; // describe-prefix-lists only
            var target = underlying.GetProperty(Ec2ModelTests.SdkNameOf(record, property.Name))!;
            target.SetValue(value, Fill(target.PropertyType, property.PropertyType, $"{path}.{property.Name}"));
        }
        return value;
    }

    /// <summary>Every member at its path holds what <see cref="Fill"/> put there.</summary>
    private static void Walk(object? value, Type type, string path, List<string> problems, bool single = false)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null) { problems.Add($"{path}: lost"); return; }
        if (type == typeof(string))
        {
            var expected = path.EndsWith("Time", StringComparison.Ordinal) || path.EndsWith("Timestamp", StringComparison.Ordinal) || path.EndsWith("LastStatusChange", StringComparison.Ordinal)
                ? "2020-03-03 01:21:04+00:00" : path;
            if (!Equals(value, expected)) problems.Add($"{path}: holds {value}");
            return;
        }
        if (type == typeof(bool) || type == typeof(int) || type == typeof(long))
        {
            object expected = type == typeof(bool) ? true : type == typeof(int) ? (object)7 : 7L;
            if (!Equals(value, expected)) problems.Add($"{path}: holds {value}");
            return;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var items = ((IEnumerable)value).Cast<object>().ToArray();
            if (items.Length != (single ? 1 : 2)) problems.Add($"{path}: {items.Length} items");
            for (int i = 0; i < items.Length; i++) Walk(items[i], type.GetGenericArguments()[0], $"{path}[{i}]", problems);
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (type == typeof(ManagedPrefixList) && property.Name == "Cidrs") continue;
            Walk(property.GetValue(value), property.PropertyType, $"{path}.{property.Name}", problems);
        }
    }
}
