using System.Collections;
using System.Management.Automation;
using VpcSecTools.Aws;
using VpcSecTools.Completion;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Builds a snapshot from AWS.Tools.EC2 objects piped in (Get-EC2Vpc, Get-EC2SecurityGroup...).</para>
/// <para type="description">Reads the Amazon.EC2.Model objects that AWS.Tools.EC2 returns (from AWS.Tools 4 or 5),
/// Describe*Response objects (-Select *), and hashtables keyed by snapshot section, by property name, and returns the
/// indexed snapshot for -Snapshot of every cmdlet. A section counts as captured when an object of it was piped or
/// when -CapturedSection names it (an empty Get-EC2* result); the others are missing, and the answers that need
/// them are Unknown. An object that cannot be read is an error naming it, and its section is then missing.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "VpcSnapshot")]
[OutputType(typeof(SnapshotIndex))]
public sealed class ConvertToVpcSnapshotCommand : VpcSecCmdlet
{
    /// <summary>Amazon.EC2.Model objects, Describe*Response objects, or hashtables keyed by section (Vpcs, SecurityGroups...).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public object[]? InputObject { get; set; }

    /// <summary>Sections captured in full even if none of their objects is piped: an empty Get-EC2* result is "none", not "missing".</summary>
    [Parameter]
    [ValidateSet(Section.Vpcs, Section.Subnets, Section.RouteTables, Section.NetworkAcls, Section.SecurityGroups, Section.NetworkInterfaces,
        Section.Reservations, Section.InternetGateways, Section.EgressOnlyInternetGateways, Section.NatGateways, Section.VpcEndpoints,
        Section.VpcPeeringConnections, Section.TransitGateways, Section.TransitGatewayAttachments, Section.TransitGatewayVpcAttachments,
        Section.TransitGatewayRouteTables, Section.TransitGatewayRouteTableAssociations, Section.TransitGatewayPropagations,
        Section.TransitGatewayStaticRoutes, Section.TransitGatewayPropagatedRoutes, Section.PrefixLists, Section.PrefixListEntries,
        Section.VpnGateways, Section.VpnConnections, Section.CustomerGateways, Section.FlowLogs, Section.DBSubnetGroups)]
    public string[]? CapturedSection { get; set; }

    /// <summary>The region of the objects; by default it is read from their availability zones and ARNs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    /// <summary>The account of the objects; by default the owner of most VPCs, groups and interfaces.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AccountId { get; set; }

    private Ec2ObjectInventory? _inventory;
    private int _seen;

    protected override void Begin()
    {
        _inventory = new Ec2ObjectInventory(Region, AccountId);
        foreach (var key in CapturedSection ?? [])
            if (Section.TryGet(key, out var section)) _inventory.Declare(section);
    }

    // An object that cannot be read is one error naming it; the others are still read.
    protected override void Process() =>
        ForEachInput((InputObject ?? []).OfType<object>(), item => _inventory!.Add(Unwrap(item)!, $"input object {++_seen} ({TypeName(item)})"));

    protected override void End()
    {
        var region = _inventory!.Build();
        var captured = region.CapturedSections.Order(StringComparer.Ordinal).ToArray();
        WriteVerbose($"{_inventory.Count} object(s) read; captured: {(captured.Length == 0 ? "nothing" : string.Join(", ", captured))}");
        if (region.MissingSections.Count > 0)
            WriteVerbose($"missing (unreadable input): {string.Join(", ", region.MissingSections.Select(m => m.Section))}");
        var index = new SnapshotIndex(new VpcSnapshot
        {
            Metadata = new SnapshotMetadata { Source = "ConvertTo-VpcSnapshot", Generator = SnapshotFile.Generator },
            Regions = [region],
        });
        foreach (var note in index.Notes) WriteVerbose(note);
        SessionSnapshot.Remember(this, index);
        WriteObject(index);
    }

    /// <summary>The type a user would recognise: the SDK class, or PowerShell's own name for a custom object.</summary>
    private static string TypeName(object item) => item is PSObject { BaseObject: PSCustomObject } pso
        ? pso.TypeNames.FirstOrDefault() ?? nameof(PSCustomObject)
        : (item is PSObject p ? p.BaseObject : item).GetType().FullName ?? "object";

    /// <summary>
    /// Takes PowerShell's wrappers off, down through lists and dictionaries: an SDK object as itself, a custom object
    /// (<c>[pscustomobject]@{...}</c>, ConvertFrom-Json output) as a dictionary of its properties.
    /// </summary>
    private static object? Unwrap(object? value) => value switch
    {
        PSObject { BaseObject: PSCustomObject } pso => pso.Properties.ToDictionary(p => p.Name, p => Unwrap(p.Value), StringComparer.OrdinalIgnoreCase),
        PSObject pso => Unwrap(pso.BaseObject),
        IDictionary dictionary => dictionary.Keys.Cast<object>().ToDictionary(k => k.ToString() ?? "", k => Unwrap(dictionary[k]), StringComparer.OrdinalIgnoreCase),
        string => value,
        IList list => list.Cast<object?>().Select(Unwrap).ToList(),
        _ => value,
    };
}
