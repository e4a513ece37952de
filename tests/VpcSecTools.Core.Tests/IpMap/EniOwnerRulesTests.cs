using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.IpMap;

public class EniOwnerRulesTests
{
    private static SnapshotIndex Load(string scenario) => new(SnapshotLoader.Load(TestPaths.Batfish(scenario)));

    private static NetworkInterface Eni(string id, SnapshotIndex index) => index.NetworkInterfaces[id];

    [Fact]
    public void Attached_instance_wins_and_brings_its_name_tag()
    {
        var index = Load("test-nat-gateway");
        var owner = EniOwnerRules.Detect(Eni("eni-068fb5a0a9a57f23c", index), index);
        Assert.Equal(OwnerType.Instance, owner.Type);
        Assert.Equal("i-0b31b509174d7f5de", owner.ResourceId);
        Assert.Equal(index.Instances["i-0b31b509174d7f5de"].Tags.NameTag(), owner.Name);
        Assert.StartsWith("Attachment.InstanceId", owner.Evidence);
    }

    [Theory]
    [InlineData("test-nat-gateway", "eni-017aaec115610308a", OwnerType.NatGateway, null, "nat-07ab4846da51f4612", null, "InterfaceType=nat_gateway")]
    [InlineData("eni-attribution", "eni-01f261dccaba46564", OwnerType.LoadBalancer, "network", "net/test-lb/725b996cb6be8fba", "test-lb", "InterfaceType=network_load_balancer")]
    [InlineData("eni-attribution", "eni-0c82d6f7254ae6695", OwnerType.LoadBalancer, "network", "net/test-lb/725b996cb6be8fba", "test-lb", "InterfaceType=network_load_balancer")]
    [InlineData("eni-attribution", "eni-0084b734451ba23ca", OwnerType.VpcEndpoint, "Interface", "vpce-083c683a6be29b889", null, "InterfaceType=vpc_endpoint")]
    [InlineData("test-transit-gateway", "eni-00f08ecf4f651037c", OwnerType.TransitGatewayAttachment, null, "tgw-attach-07f5ec59e9f540021", "tgw-vpcA", "InterfaceType=transit_gateway")]
    public void Real_aws_managed_enis_are_read_from_type_and_description(string scenario, string eniId, OwnerType type, string? subtype, string id, string? name, string evidence)
    {
        var index = Load(scenario);
        var owner = EniOwnerRules.Detect(Eni(eniId, index), index);
        Assert.Equal((type, subtype, id, name), (owner.Type, owner.Subtype, owner.ResourceId, owner.Name));
        Assert.Contains(evidence, owner.Evidence);
        Assert.Contains("Description=", owner.Evidence);
    }

    [Theory]
    [InlineData("nat_gateway", OwnerType.NatGateway, null)]
    [InlineData("natGateway", OwnerType.NatGateway, null)]
    [InlineData("network_load_balancer", OwnerType.LoadBalancer, "network")]
    [InlineData("gateway_load_balancer", OwnerType.LoadBalancer, "gateway")]
    [InlineData("gateway_load_balancer_endpoint", OwnerType.VpcEndpoint, "GatewayLoadBalancer")]
    [InlineData("vpc_endpoint", OwnerType.VpcEndpoint, "Interface")]
    [InlineData("Transit-Gateway", OwnerType.TransitGatewayAttachment, null)]
    [InlineData("lambda", OwnerType.Lambda, null)]
    [InlineData("efs", OwnerType.Efs, null)]
    [InlineData("api_gateway_managed", OwnerType.ApiGateway, null)]
    public void Interface_types_match_loosely(string type, OwnerType expected, string? subtype)
    {
        var owner = EniOwnerRules.Detect(new NetworkInterface { NetworkInterfaceId = "eni-1", InterfaceType = type });
        Assert.Equal(expected, owner.Type);
        Assert.Equal(subtype, owner.Subtype);
    }

    [Theory]
    [InlineData("ELB app/web/50dc6c495c0c9188", OwnerType.LoadBalancer, "application", "app/web/50dc6c495c0c9188", "web")]
    [InlineData("ELB net/api-nlb/0123abcd", OwnerType.LoadBalancer, "network", "net/api-nlb/0123abcd", "api-nlb")]
    [InlineData("ELB gwy/inspect/0123abcd", OwnerType.LoadBalancer, "gateway", "gwy/inspect/0123abcd", "inspect")]
    [InlineData("ELB my-classic-lb", OwnerType.LoadBalancer, "classic", "my-classic-lb", "my-classic-lb")]
    [InlineData("Interface for NAT Gateway nat-0a1b2c3d4e5f60718", OwnerType.NatGateway, null, "nat-0a1b2c3d4e5f60718", null)]
    [InlineData("AWS Lambda VPC ENI-orders-api-5f3c2b1a-9d8e-4f7a-b6c5-1234567890ab", OwnerType.Lambda, null, "orders-api", "orders-api")]
    [InlineData("RDSNetworkInterface", OwnerType.Rds, null, null, null)]
    [InlineData("VPC Endpoint Interface vpce-0123456789abcdef0", OwnerType.VpcEndpoint, "Interface", "vpce-0123456789abcdef0", null)]
    [InlineData("Network Interface for Transit Gateway Attachment tgw-attach-0123456789abcdef0", OwnerType.TransitGatewayAttachment, null, "tgw-attach-0123456789abcdef0", null)]
    [InlineData("ElastiCache sessions-0001-001", OwnerType.ElastiCache, null, "sessions-0001-001", "sessions-0001-001")]
    [InlineData("EFS mount target for fs-0123abcd (fsmt-0456ef01)", OwnerType.Efs, null, "fs-0123abcd", "fsmt-0456ef01")]
    [InlineData("arn:aws:ecs:us-east-1:111122223333:attachment/1a2b3c4d-0000-1111-2222-333344445555", OwnerType.Ecs, null, "arn:aws:ecs:us-east-1:111122223333:attachment/1a2b3c4d-0000-1111-2222-333344445555", null)]
    [InlineData("Amazon EKS prod-cluster", OwnerType.Eks, null, "prod-cluster", "prod-cluster")]
    [InlineData("AWS created network interface for directory d-9067a1b2c3", OwnerType.DirectoryService, null, "d-9067a1b2c3", null)]
    [InlineData("Route 53 Resolver: rslvr-in-0123456789abcdef0:rni-0123", OwnerType.Route53Resolver, null, "rslvr-in-0123456789abcdef0", null)]
    public void Description_patterns_name_owner_id_and_name(string description, OwnerType type, string? subtype, string? id, string? name)
    {
        var owner = EniOwnerRules.Detect(new NetworkInterface { NetworkInterfaceId = "eni-1", InterfaceType = "interface", Description = description, RequesterManaged = true });
        Assert.Equal((type, subtype, id, name), (owner.Type, owner.Subtype, owner.ResourceId, owner.Name));
        Assert.StartsWith("Description=", owner.Evidence);
    }

    [Theory]
    [InlineData("amazon-elb", OwnerType.LoadBalancer)]
    [InlineData("amazon-rds", OwnerType.Rds)]
    [InlineData("amazon-elasticache", OwnerType.ElastiCache)]
    [InlineData("AROAEXAMPLE:lambda-hyperplane", OwnerType.Lambda)]
    public void Requester_names_the_service_when_nothing_else_does(string requester, OwnerType type)
    {
        var owner = EniOwnerRules.Detect(new NetworkInterface { NetworkInterfaceId = "eni-1", InterfaceType = "interface", RequesterId = requester });
        Assert.Equal(type, owner.Type);
        Assert.StartsWith("RequesterId=", owner.Evidence);
    }

    [Fact]
    public void A_detached_plain_interface_is_unknown()
    {
        var owner = EniOwnerRules.Detect(new NetworkInterface { NetworkInterfaceId = "eni-1", InterfaceType = "interface", Description = "my spare interface" });
        Assert.Equal(OwnerType.Unknown, owner.Type);
    }

    [Fact]
    public void Interface_type_beats_a_description_of_another_kind()
    {
        // An NLB ENI whose description was somehow edited still is the load balancer's.
        var owner = EniOwnerRules.Detect(new NetworkInterface { NetworkInterfaceId = "eni-1", InterfaceType = "network_load_balancer", Description = "RDSNetworkInterface" });
        Assert.Equal(OwnerType.LoadBalancer, owner.Type);
        Assert.Equal("InterfaceType=network_load_balancer", owner.Evidence);
    }
}
