using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.IpMap;

/// <summary>The demo network (samples/demo): every address maps to the owner its generator says (expected.json).</summary>
public class DemoIpMapTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement;
    private static readonly AddressAttributor Attributor =
        new(new SnapshotIndex(SnapshotLoader.Load(Path.Combine(TestPaths.Demo, "aws_configs"))), AwsIpRangeSet.Bundled);

    private static string Id(params string[] path)
    {
        var e = Expected.GetProperty("ids");
        foreach (var p in path) e = e.GetProperty(p);
        return e.GetString()!;
    }

    /// <summary>The owner kind each demo resource name stands for (README "Network interfaces").</summary>
    private static (OwnerType, string?) OwnerOf(string name) => name.Split('-')[0] switch
    {
        "alb" => (OwnerType.LoadBalancer, "application"),
        "nlb" => (OwnerType.LoadBalancer, "network"),
        "nat" => (OwnerType.NatGateway, null),
        "lambda" => (OwnerType.Lambda, null),
        "rds" => (OwnerType.Rds, null),
        "efs" => (OwnerType.Efs, null),
        "cache" => (OwnerType.ElastiCache, null),
        "tgw" => (OwnerType.TransitGatewayAttachment, null),
        "vpce" => (OwnerType.VpcEndpoint, "Interface"),
        _ => (OwnerType.Instance, null),
    };

    [Fact]
    public void Every_demo_address_maps_to_its_eni_and_owner()
    {
        int checkedAddresses = 0;
        foreach (var resource in Expected.GetProperty("addresses").EnumerateObject())
        {
            var eni = Id("eni", resource.Name);
            var addresses = resource.Value.GetProperty("private").EnumerateArray()
                .Concat(resource.Value.GetProperty("ipv6").EnumerateArray())
                .Select(a => a.GetString()!);
            foreach (var address in addresses)
            {
                var entry = Assert.Single(Attributor.Map.Entries, e => e.IpAddress == address);
                Assert.Equal(eni, entry.NetworkInterfaceId);
                Assert.Equal(OwnerOf(resource.Name), (entry.OwnerType, entry.OwnerSubtype));
                var a = Attributor.Attribute(address);
                Assert.Equal((AttributionScope.ThisVpc, eni), (a.Scope, a.Owner?.NetworkInterfaceId));
                checkedAddresses++;
            }
            var publicIp = resource.Value.GetProperty("public");
            if (publicIp.ValueKind == JsonValueKind.String)
                Assert.Equal(publicIp.GetString(), Attributor.Map.Entries.First(e => e.NetworkInterfaceId == eni).PublicIp);
            foreach (var prefix in resource.Value.GetProperty("ipv4_prefixes").EnumerateArray())
                Assert.Contains(Attributor.Map.Entries, e => e.IpAddress == prefix.GetString() && e.Kind == AddressKind.Ipv4Prefix && e.NetworkInterfaceId == eni);
        }
        Assert.True(checkedAddresses > 30);
    }

    [Fact]
    public void From_prod_the_shared_vpc_is_peered_and_on_premises_is_behind_the_vpn_attachment()
    {
        var prod = Id("vpc", "prod");
        var monitoring = Attributor.Attribute(Expected.GetProperty("addresses").GetProperty("monitoring").GetProperty("private")[0].GetString()!, prod);
        Assert.Equal((AttributionScope.PeeredVpc, Id("vpc", "shared"), Id("pcx")), (monitoring.Scope, monitoring.VpcId, monitoring.VpcPeeringConnectionId));
        Assert.Equal(Id("eni", "monitoring"), monitoring.Owner?.NetworkInterfaceId);

        var onPrem = Attributor.Attribute("172.16.5.5", prod);
        Assert.Equal(AttributionScope.TransitGateway, onPrem.Scope);
        Assert.Equal((Id("att-vpn"), "vpn"), (onPrem.TransitGatewayAttachmentId, onPrem.TransitGatewayAttachmentType));

        var blackholed = Attributor.Attribute("192.168.1.1", prod);
        Assert.Equal(AttributionScope.Unknown, blackholed.Scope);
        Assert.Contains("blackhole", blackholed.Reason);

        var task = Attributor.Attribute("10.0.11.210", prod);
        Assert.Equal((AttributionScope.ThisVpc, AddressKind.Ipv4Prefix, Id("eni", "ecs-1")), (task.Scope, task.Owner?.Kind, task.Owner?.NetworkInterfaceId));
    }

    [Fact]
    public void From_prod_s3_is_reached_through_the_gateway_endpoint_in_the_app_tables()
    {
        var s3 = Attributor.Ranges.Prefixes.First(p => p.Service == "S3" && p.Region == "us-east-1" && !p.Prefix.IsIPv6);
        var a = Attributor.Attribute(s3.Prefix.Network.Add(1), Id("vpc", "prod"));
        Assert.Equal((AttributionScope.AwsService, "S3", "us-east-1"), (a.Scope, a.Service, a.Region));
        Assert.Contains(Id("vpce-s3"), a.Route);
    }
}
