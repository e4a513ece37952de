using VpcSecTools.FlowLogs;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.PrivateTrust;

/// <summary>
/// Small networks and flow logs for the private-trust tests: the networks are <see cref="TestNetwork"/>s with owner
/// accounts, the logs are files in a custom format with tcp-flags (as S3 delivers them: a header line, then records).
/// </summary>
internal sealed class TrustScenario : IDisposable
{
    public const string Own = "111111111111";
    /// <summary>2023-11-14T22:13:20Z: the first record's start.</summary>
    public const long T0 = 1_700_000_000;
    public const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags";
    public const string V2Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private readonly TestPaths.TempDir _dir = new();

    /// <summary>One record: 3 packets, 180 bytes over one minute from <paramref name="start"/>, SYN by default.</summary>
    public static string Line(string eni, string src, string dst, int sport, int dport, string action = "ACCEPT", int flags = 2,
        long start = T0, int packets = 3, long bytes = 180, int protocol = 6) =>
        $"5 {Own} {eni} {src} {dst} {sport} {dport} {protocol} {packets} {bytes} {start} {start + 60} {action} OK {flags}";

    /// <summary>The same record in the default (v2) format, which has no tcp-flags.</summary>
    public static string V2Line(string eni, string src, string dst, int sport, int dport, string action = "ACCEPT", long start = T0, long bytes = 180) =>
        $"2 {Own} {eni} {src} {dst} {sport} {dport} 6 3 {bytes} {start} {start + 60} {action} OK";

    /// <summary>A flow-log file with a header line, as S3 delivers one.</summary>
    public string Logs(string name, params string[] lines) => Write(name, [Header, .. lines]);

    public string Write(string name, params string[] lines)
    {
        var path = _dir.File(name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    public string File(string name) => _dir.File(name);

    public static PrivateTrustReport Run(SnapshotIndex index, PrivateTrustRequest request) =>
        PrivateTrustAnalysis.Run(index, request, () => throw new InvalidOperationException("these tests never call AWS"), new FlowLogRunEvents());

    public static PrivateTrustReport Run(SnapshotIndex index, string logs, PrivateTrustOptions? options = null) =>
        Run(index, new PrivateTrustRequest { Paths = [logs], Options = options ?? new PrivateTrustOptions() });

    /// <summary>Every VPC of the network owned by <see cref="Own"/>, as describe-vpcs says.</summary>
    public static TestNetwork Owned(TestNetwork n)
    {
        for (int i = 0; i < n.Vpcs.Count; i++) n.Vpcs[i] = n.Vpcs[i] with { OwnerId = Own };
        return n;
    }

    /// <summary>
    /// <see cref="TestNetwork.TwoSubnets"/> (i-a 10.0.1.10 in subnet-a, i-b 10.0.2.20 in subnet-b whose sg-db opens 5432 to
    /// 10.0.0.0/16) owned by <see cref="Own"/>.
    /// </summary>
    public static TestNetwork TwoSubnets() => Owned(TestNetwork.TwoSubnets());

    /// <summary>
    /// <see cref="TwoSubnets"/> with vpc-a peered (pcx-x, active) to vpc-x 10.9.0.0/16 of account 222222222222, which the
    /// snapshot does not hold; the main table routes it to the peering and sg-db also opens 5432 to it.
    /// </summary>
    public static TestNetwork CrossAccountPeering()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("10.9.0.0/16", pcx: "pcx-x"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.0.0.0/16"), Tcp(5432, "10.9.0.0/16")] };
        n.Peerings.Add(new VpcPeeringConnection
        {
            VpcPeeringConnectionId = "pcx-x", Status = new PeeringStatus { Code = "active" },
            RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", OwnerId = Own, Region = "us-east-1", CidrBlock = "10.0.0.0/16" },
            AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-x", OwnerId = "222222222222", Region = "us-east-1", CidrBlock = "10.9.0.0/16" },
        });
        return n;
    }

    /// <summary>
    /// <see cref="TwoSubnets"/> attached to tgw-1 (tgw-attach-a in subnet-a), whose route table sends 10.1.0.0/16 to
    /// tgw-attach-c: the attachment of vpc-c, which account 333333333333 owns and the snapshot does not hold. sg-db opens
    /// 22 and 5432 to 10.1.0.0/16.
    /// </summary>
    public static TestNetwork OtherAccountAttachment()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("10.1.0.0/16", tgw: "tgw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(22, "10.1.0.0/16"), Tcp(5432, "10.1.0.0/16")] };
        n.TransitGateways.Add(new TransitGateway { TransitGatewayId = "tgw-1", State = "available", OwnerId = Own });
        n.TgwVpcAttachments.Add(new TransitGatewayVpcAttachment { TransitGatewayAttachmentId = "tgw-attach-a", TransitGatewayId = "tgw-1", VpcId = "vpc-a", State = "available", SubnetIds = ["subnet-a"] });
        var association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-1", State = "associated" };
        n.TgwAttachments.Add(new TransitGatewayAttachment
        {
            TransitGatewayAttachmentId = "tgw-attach-a", TransitGatewayId = "tgw-1", ResourceType = "vpc", ResourceId = "vpc-a", ResourceOwnerId = Own,
            State = "available", Association = association,
        });
        n.TgwAttachments.Add(new TransitGatewayAttachment
        {
            TransitGatewayAttachmentId = "tgw-attach-c", TransitGatewayId = "tgw-1", ResourceType = "vpc", ResourceId = "vpc-c", ResourceOwnerId = "333333333333",
            State = "available", Association = association,
        });
        n.TgwStaticRoutes.Add(new TransitGatewayRouteTableRoutes
        {
            TransitGatewayRouteTableId = "tgw-rtb-1",
            Routes =
            [
                new TransitGatewayRoute { DestinationCidrBlock = "10.1.0.0/16", Type = "static", State = "active", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-c", ResourceType = "vpc", ResourceId = "vpc-c" }] },
                new TransitGatewayRoute { DestinationCidrBlock = "10.0.0.0/16", Type = "static", State = "active", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-a", ResourceType = "vpc", ResourceId = "vpc-a" }] },
            ],
        });
        return n;
    }

    /// <summary>
    /// <see cref="TwoSubnets"/> with vgw-1 attached to vpc-a and VPN connection vpn-9 (static 192.168.0.0/16), routed from the
    /// main table; sg-db opens 5432 to 192.168.0.0/16 (as the reachability tests' VPN network).
    /// </summary>
    public static TestNetwork Vpn()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("192.168.0.0/16", gateway: "vgw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.0.0.0/16"), Tcp(5432, "192.168.0.0/16")] };
        n.VpnGateways.Add(new VpnGateway { VpnGatewayId = "vgw-1", State = "available", Type = "ipsec.1", VpcAttachments = [new VpcAttachment { VpcId = "vpc-a", State = "attached" }] });
        n.VpnConnections.Add(new VpnConnection
        {
            VpnConnectionId = "vpn-9", VpnGatewayId = "vgw-1", CustomerGatewayId = "cgw-1", State = "available", Type = "ipsec.1",
            Routes = [new VpnStaticRoute { DestinationCidrBlock = "192.168.0.0/16", Source = "Static", State = "available" }],
        });
        return n;
    }

    public void Dispose() => _dir.Dispose();
}
