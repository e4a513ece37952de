using System.Globalization;
using System.Text.Json;
using VpcSecTools.Exposure;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>What a changed rule is: which side of a group, which direction of a NACL, or a route.</summary>
internal enum RuleKind { SecurityGroupInbound, SecurityGroupOutbound, NetworkAclInbound, NetworkAclOutbound, Route }

/// <summary>A rule, entry or route that changed, read: what traffic and addresses it concerns (null parts: any).</summary>
internal sealed record ChangedRule(RuleKind Kind, IpProtocol? Protocol, PortRange? Ports, Cidr? Cidr)
{
    /// <summary>Whether it could decide traffic of this protocol and port to or from one of these addresses.</summary>
    public bool Concerns(IpProtocol protocol, int port, IEnumerable<IpAddress> addresses) =>
        Matches(protocol, port) && (Cidr is not { } c || addresses.Any(c.Contains));

    /// <summary>Whether it matches packets of this protocol to this port.</summary>
    public bool Matches(IpProtocol protocol, int port) =>
        (Protocol is not { } p || p.Matches(protocol)) && (Ports is not { } ports || !protocol.HasPorts || ports.Contains(port));

    /// <summary>Whether it may match the replies of this protocol, which go to a client's ephemeral port (1024-65535 covers every client's).</summary>
    public bool MatchesReplies(IpProtocol protocol) =>
        (Protocol is not { } p || p.Matches(protocol)) && (Ports is not { } ports || !protocol.HasPorts || ports.Overlaps(PortRange.AwsServiceEphemeral));

    /// <summary>Whether its CIDR may hold this address (a rule without one, a group or prefix list, may hold any).</summary>
    public bool Holds(IpAddress address) => Cidr is not { } c || c.Contains(address);
}

/// <summary>
/// One comparable part of a resource: its key (what makes it the same element in both snapshots), the label shown as the
/// changed element, its text, and the rule it is when it is one.
/// </summary>
internal readonly record struct ResourceElement(string Key, string Label, string Text, ChangedRule? Rule = null);

/// <summary>
/// A resource as the parts a responder compares, in AWS's terms: a security group as its rules (one source each, as
/// describe-security-group-rules lists them), a NACL as its entries (by direction and rule number) and subnet associations,
/// a route table as its routes (by destination) and associations; every other value by its path in the EC2 shape, lists
/// matched by content (or by the member that names their items), never by position, since AWS does not keep list order.
/// </summary>
internal static class ResourceElements
{
    /// <summary>Members that change without any change of configuration (telemetry, the last start of an instance).</summary>
    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal) { "VgwTelemetry", "LaunchTime" };

    /// <summary>Members that name the items of a list, tried in this order: the first one every item has, once each.</summary>
    private static readonly string[] ItemKeys =
    [
        "Key", "GroupId", "SubnetId", "PrivateIpAddress", "Ipv6Address", "Ipv4Prefix", "Ipv6Prefix", "NetworkInterfaceId", "AllocationId",
        "TransitGatewayAttachmentId", "CidrBlock", "Ipv6CidrBlock", "Cidr", "DestinationCidrBlock", "VpcId", "RouteTableId", "InstanceId",
        "ReservationId", "GatewayId",
    ];

    /// <summary>The parts of one item of <paramref name="section"/>.</summary>
    public static IEnumerable<ResourceElement> Of(Section section, object item, SnapshotIndex index) => item switch
    {
        SecurityGroup g => Rules(g, index).Concat(Fields(item, "IpPermissions", "IpPermissionsEgress")),
        NetworkAcl acl => Entries(acl).Concat(Fields(item, "Entries", "Associations"))
            .Concat(acl.Associations.Select(a => new ResourceElement("assoc|" + a.SubnetId, "association", a.SubnetId ?? "?"))),
        RouteTable table => Routes(table).Concat(Fields(item, "Routes", "Associations")).Concat(table.Associations.Select(Association)),
        NetworkInterface eni => Addresses(eni).Concat(Fields(item, "Association", "PrivateIpAddresses", "Groups")),
        _ => Fields(item),
    };

    /// <summary>The parts that say what the resource allows or routes (rules, entries, routes), listed with an added or removed resource.</summary>
    public static IEnumerable<ResourceElement> RulesOf(object item, SnapshotIndex index) => item switch
    {
        SecurityGroup g => Rules(g, index),
        NetworkAcl acl => Entries(acl),
        RouteTable table => Routes(table),
        _ => [],
    };

    private static IEnumerable<ResourceElement> Rules(SecurityGroup g, SnapshotIndex index)
    {
        foreach (var direction in new[] { RuleDirection.Ingress, RuleDirection.Egress })
            foreach (var r in SecurityGroupRule.Of(g, direction, index))
            {
                bool inbound = direction == RuleDirection.Ingress;
                var raw = (inbound ? g.IpPermissions : g.IpPermissionsEgress)[r.PermissionIndex];
                // An unreadable protocol reads as "all": keep what was written so two different ones stay apart.
                var protocol = r.Problem is null ? r.ProtocolText : $"'{raw.IpProtocol}' {raw.FromPort}-{raw.ToPort}";
                var ports = r.Problem is null && (r.Protocol.HasPorts || r.Protocol.IsIcmp) ? " " + r.PortsText : "";
                var text = $"{(inbound ? "inbound" : "outbound")} {protocol}{ports} {(inbound ? "from" : "to")} {r.Source}";
                var cidr = r.Kind is RuleSourceKind.Ipv4Cidr or RuleSourceKind.Ipv6Cidr && r.Cidrs is [var c] ? c : (Cidr?)null;
                yield return new ResourceElement($"rule|{text}", inbound ? "inbound rule" : "outbound rule",
                    r.Description is { Length: > 0 } d ? $"{text} ({d})" : text,
                    new ChangedRule(inbound ? RuleKind.SecurityGroupInbound : RuleKind.SecurityGroupOutbound,
                        r.Problem is null ? r.Protocol : null, r.Problem is null && r.Protocol.HasPorts ? r.Ports : null, cidr));
            }
    }

    private static IEnumerable<ResourceElement> Entries(NetworkAcl acl) => acl.Entries.Select(e =>
    {
        var (rule, _, _) = NetworkAclRule.Read(acl.NetworkAclId, e);
        var family = e.Ipv6CidrBlock is not null ? "IPv6" : "IPv4";
        var direction = e.Egress ? "outbound" : "inbound";
        return new ResourceElement(string.Create(CultureInfo.InvariantCulture, $"entry|{direction}|{e.RuleNumber}|{family}"), $"{direction} entry",
            NetworkAclEvaluator.Describe(e), new ChangedRule(e.Egress ? RuleKind.NetworkAclOutbound : RuleKind.NetworkAclInbound, rule.Protocol, rule.Ports, rule.Cidr));
    });

    private static IEnumerable<ResourceElement> Routes(RouteTable table) => table.Routes.Select(r =>
    {
        var destination = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? "?";
        var origin = VpcRoutes.IsPropagated(r) ? ", propagated" : "";
        Cidr? cidr = Cidr.TryParse(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, out var c, HostBits.Normalise) ? c : null;
        return new ResourceElement("route|" + destination, "route", VpcRoutes.Describe(r) + origin, new ChangedRule(RuleKind.Route, null, null, cidr));
    });

    /// <summary>An ENI's private addresses, the public address mapped to each (auto-assigned or Elastic IP), and its groups.</summary>
    private static IEnumerable<ResourceElement> Addresses(NetworkInterface eni)
    {
        var privates = eni.PrivateIpAddresses.Select(p => (p.PrivateIpAddress, p.Primary == true, p.Association)).ToList();
        if (privates.Count == 0 && eni.PrivateIpAddress is { } primary) privates.Add((primary, true, eni.Association));
        foreach (var (address, isPrimary, association) in privates)
        {
            yield return new("private|" + address, "private IP", isPrimary ? $"{address} (primary)" : address);
            if (association?.PublicIp is { } pub)
                yield return new("public|" + address, "public IP", $"{pub} on {address}{(association.AllocationId is { } eip ? $" (Elastic IP {eip})" : "")}");
        }
        foreach (var g in eni.Groups)
            yield return new("group|" + g.GroupId, "security group", g.GroupName is null ? g.GroupId : $"{g.GroupId} ({g.GroupName})");
    }

    private static ResourceElement Association(RouteTableAssociation a)
    {
        var what = a.Main == true ? "main" : a.SubnetId ?? a.GatewayId ?? "?";
        var state = a.AssociationState?.State is { } s && !ResourceState.Is(s, "associated") ? $" ({s})" : "";
        return new ResourceElement("assoc|" + what, "association", (a.Main == true ? "main route table" : what) + state);
    }

    /// <summary>Every value of the item by its path (<c>Status.Code</c>, <c>Tags[Name]</c>, <c>RouteTableIds</c>), leaving out <paramref name="skip"/>.</summary>
    private static IEnumerable<ResourceElement> Fields(object item, params string[] skip)
    {
        var json = JsonSerializer.SerializeToElement(item, item.GetType(), SnapshotJson.Options);
        var elements = new List<ResourceElement>();
        foreach (var member in json.EnumerateObject())
            if (!skip.Contains(member.Name)) Walk(member.Name, member.Value, elements);
        return elements;
    }

    private static void Walk(string path, JsonElement value, List<ResourceElement> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                    if (!Volatile.Contains(member.Name)) Walk($"{path}.{member.Name}", member.Value, into);
                break;
            case JsonValueKind.Array:
                var items = value.EnumerateArray().ToArray();
                if (items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.Object) && KeyOf(items) is { } key)
                {
                    foreach (var i in items)
                    {
                        var name = Text(i.GetProperty(key));
                        // A tag is its value under its key.
                        if (key == "Key" && i.EnumerateObject().All(m => m.Name is "Key" or "Value"))
                            into.Add(new($"{path}[{name}]", $"{path}[{name}]", i.TryGetProperty("Value", out var v) ? Text(v) : ""));
                        else
                        {
                            into.Add(new($"{path}[{name}]", path, name));
                            foreach (var member in i.EnumerateObject())
                                if (member.Name != key && !Volatile.Contains(member.Name)) Walk($"{path}[{name}].{member.Name}", member.Value, into);
                        }
                    }
                }
                else foreach (var i in items) into.Add(new($"{path}[]{i.GetRawText()}", path, Text(i)));
                break;
            default:
                into.Add(new(path, path, Text(value)));
                break;
        }
    }

    /// <summary>The member that names every item once, or null (the items are then compared whole).</summary>
    private static string? KeyOf(JsonElement[] items)
    {
        foreach (var key in ItemKeys)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            if (items.All(i => i.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && names.Add(v.GetString()!))) return key;
        }
        return null;
    }

    private static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(e, CompactJson),
        _ => e.GetRawText(),
    };

    private static readonly JsonSerializerOptions CompactJson = new() { WriteIndented = false };
}
