using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Drift;

/// <summary>
/// The demo network as captured "yesterday", and "today" after five realistic changes, made on the model records as an
/// operator's API calls would leave them:
/// <list type="number">
/// <item>prod-bastion-sg: SSH opened to 0.0.0.0/0 (authorize-security-group-ingress adds the range to the existing tcp 22 permission);</item>
/// <item>the db NACL: outbound entry 110 (replies to app-c, 10.0.12.0/24) deleted;</item>
/// <item>the prod main route table (db-c uses it): a route 10.100.0.0/16 to the shared-services peering added;</item>
/// <item>prod-app-3's ENI: a public IP associated (an Elastic IP);</item>
/// <item>the S3 gateway endpoint: app-b's route table removed from it (EC2 then deletes the table's prefix-list route).</item>
/// </list>
/// </summary>
public static class DemoChanges
{
    public const string Bastion = "sg-011690c9979a48f0d", BastionEni = "eni-0b4d896b79c03f67e", DbAcl = "acl-001e1520cf164ff6c",
        MainTable = "rtb-01ffbf44e064bc2a5", Peering = "pcx-0f5c75a7d52d137ac", App3Eni = "eni-04fde501f0b4230b4", S3Endpoint = "vpce-0c8eb4ddbd1c1a1bf",
        AppBTable = "rtb-0055c6a2d5de566a9", S3List = "pl-63a5400a", ProdVpc = "vpc-04be895ea4d91bcbf", SharedVpc = "vpc-09d7bc1194c9e4030",
        Replica = "eni-0de899cdd96909643", DbPrimary = "eni-02dbfad5f6dc1d8fe", DbStandby = "eni-06c3b393a1f14bae8",
        Monitoring = "eni-03a8fe78c0e8fb141", AdDns = "eni-0e47d0cfc59474eb3", App3 = "eni-04fde501f0b4230b4", BatchWorker = "eni-03248e6178bd3adc8";

    /// <summary>The elastic IP given to app-3 (a documentation-free address of the EC2 space, as an EIP would be).</summary>
    public const string App3PublicIp = "3.91.22.140";

    public static VpcSnapshot Yesterday => SnapshotLoader.Load(TestPaths.Demo) with { Metadata = new SnapshotMetadata { Source = "demo yesterday", CapturedAt = "2026-12-05T03:00:00Z" } };

    public static VpcSnapshot Today => Apply(Yesterday) with { Metadata = new SnapshotMetadata { Source = "demo today", CapturedAt = "2026-12-06T03:00:00Z" } };

    public static VpcSnapshot Apply(VpcSnapshot snapshot) => snapshot with
    {
        Regions = snapshot.Regions.Select(r => r with
        {
            SecurityGroups = r.SecurityGroups.Select(g => g.GroupId != Bastion ? g : g with
            {
                IpPermissions = g.IpPermissions.Select(p => p.FromPort != 22 ? p : p with { IpRanges = [.. p.IpRanges, new IpRange { CidrIp = "0.0.0.0/0", Description = "temporary" }] }).ToArray(),
            }).ToArray(),
            NetworkAcls = r.NetworkAcls.Select(a => a.NetworkAclId != DbAcl ? a : a with { Entries = a.Entries.Where(e => !(e.Egress && e.RuleNumber == 110)).ToArray() }).ToArray(),
            RouteTables = r.RouteTables.Select(t => t.RouteTableId switch
            {
                MainTable => t with { Routes = [.. t.Routes, new Route { DestinationCidrBlock = "10.100.0.0/16", VpcPeeringConnectionId = Peering, State = "active", Origin = "CreateRoute" }] },
                AppBTable => t with { Routes = t.Routes.Where(x => x.DestinationPrefixListId != S3List).ToArray() },
                _ => t,
            }).ToArray(),
            NetworkInterfaces = r.NetworkInterfaces.Select(e => e.NetworkInterfaceId != App3Eni ? e : e with
            {
                Association = Eip(),
                PrivateIpAddresses = e.PrivateIpAddresses.Select(p => p.Primary == true ? p with { Association = Eip() } : p).ToArray(),
            }).ToArray(),
            VpcEndpoints = r.VpcEndpoints.Select(v => v.VpcEndpointId != S3Endpoint ? v : v with { RouteTableIds = v.RouteTableIds.Where(t => t != AppBTable).ToArray() }).ToArray(),
        }).ToArray(),
    };

    private static NetworkInterfaceAssociation Eip() => new()
    {
        AllocationId = "eipalloc-0a1b2c3d4e5f60718", AssociationId = "eipassoc-0f1e2d3c4b5a69788", IpOwnerId = "111122223333", PublicIp = App3PublicIp,
        PublicDnsName = "ec2-3-91-22-140.compute-1.amazonaws.com",
    };
}
