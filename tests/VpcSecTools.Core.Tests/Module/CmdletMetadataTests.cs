using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using VpcSecTools.Commands;
using VpcSecTools.Errors;
using VpcSecTools.HelpCompiler;
using VpcSecTools.IpMap;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// Every cmdlet's public surface, read by reflection (no PowerShell runs here): approved verb, singular noun,
/// [OutputType], AWS.Tools parameter names on the pipeline, and errors only through the catalogue.
/// </summary>
public sealed class CmdletMetadataTests
{
    /// <summary>The approved verbs: the constants of PowerShell's Verbs* classes.</summary>
    private static readonly HashSet<string> ApprovedVerbs = new[]
        {
            typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic),
            typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther),
        }
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Property names AWS.Tools.EC2 objects carry, that our pipeline parameters bind to.</summary>
    private static readonly HashSet<string> AwsToolsNames = new(StringComparer.Ordinal)
    {
        "InstanceId", "VpcId", "SubnetId", "NetworkInterfaceId", "GroupId", "RouteTableId", "NetworkAclId",
        "VpcEndpointId", "VpcPeeringConnectionId", "TransitGatewayId", "TransitGatewayAttachmentId",
        "InternetGatewayId", "NatGatewayId", "PrefixListId", "FlowLogId", "OwnerId", "AllocationId",
        "PrivateIpAddress", "PublicIpAddress", "PublicIp", "Ipv6Address",
    };

    [Fact]
    public void The_assembly_has_cmdlets() => Assert.NotEmpty(ModuleSurface.Cmdlets);

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Cmdlet_uses_an_approved_verb_and_a_singular_noun(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        Assert.Contains(cmdlet.Verb, ApprovedVerbs);
        Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]+$"), cmdlet.Noun);
        Assert.False(cmdlet.Noun.EndsWith('s') && !cmdlet.Noun.EndsWith("ss", StringComparison.Ordinal),
            $"{name}: PowerShell nouns are singular");
    }

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Cmdlet_declares_its_output_types_and_derives_from_the_module_base(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        Assert.NotEmpty(cmdlet.OutputTypes);
        Assert.True(cmdlet.ImplementingType.IsSubclassOf(typeof(VpcSecCmdlet)),
            $"{name} derives from VpcSecCmdlet, so its errors go through the ErrorCatalog");
        Assert.Equal(cmdlet.Verb + cmdlet.Noun + "Command", cmdlet.ImplementingType.Name);
        Assert.Equal("VpcSecTools.Commands", cmdlet.ImplementingType.Namespace);
    }

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Pipeline_bound_ids_and_addresses_use_AWS_Tools_names(string name)
    {
        foreach (var parameter in ModuleSurface.Cmdlet(name).Parameters.Where(p => p.Sets.Any(s => s.ByPropertyName)))
        {
            var looksLikeAwsField = parameter.Name.EndsWith("Id", StringComparison.Ordinal)
                                    || parameter.Name.Contains("Ip", StringComparison.Ordinal);
            if (!looksLikeAwsField) continue;
            Assert.True(parameter.Aliases.Prepend(parameter.Name).Any(AwsToolsNames.Contains),
                $"{name} -{parameter.Name} binds by property name: name it (or alias it) as AWS.Tools does ({string.Join(", ", AwsToolsNames)})");
        }
    }

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Parameters_are_unambiguous(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        var names = cmdlet.Parameters.SelectMany(p => p.Aliases.Prepend(p.Name)).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var set in cmdlet.ParameterSetNames)
        {
            var positions = cmdlet.InSet(set).Select(p => p.Membership.Position).OfType<int>().ToArray();
            Assert.Equal(positions.Length, positions.Distinct().Count());
            Assert.True(cmdlet.InSet(set).Count(p => p.Membership.ByValue) <= 1 || TypesDiffer(cmdlet.InSet(set).Where(p => p.Membership.ByValue)),
                $"{name}: two parameters of set {set} take the same pipeline object by value");
        }
    }

    private static bool TypesDiffer(IEnumerable<(CmdletParameter Parameter, ParameterSetMembership Membership)> parameters)
    {
        var types = parameters.Select(p => p.Parameter.Type).ToArray();
        return types.Distinct().Count() == types.Length;
    }

    [Fact]
    public void Error_ids_are_stable_identifiers_with_PowerShell_categories()
    {
        var ids = typeof(ErrorCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(ids, id => Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]+$"), id));

        var categories = Enum.GetNames(typeof(ErrorCategory));
        foreach (var e in new Exception[]
                 {
                     new ArgumentException("x"), new FormatException("x"), new IOException("x"),
                     new UnauthorizedAccessException("x"), new InvalidOperationException("x"),
                     new SnapshotFormatException("f.json", "no such file or folder"),
                     new SnapshotFormatException("f.json", "not JSON"),
                 })
        {
            var info = ErrorCatalog.Classify(e, "target");
            Assert.Contains(info.ErrorId, ids);
            Assert.Contains(info.Category, categories);
            Assert.Equal("target", info.Target);
        }
    }

    [Fact]
    public void Cmdlets_catch_nothing_themselves()
    {
        // VpcSecCmdlet runs every step guarded and turns failures into ErrorRecords: a cmdlet that catches failures
        // to report them hides their own ErrorId (an error written under -ErrorAction Stop re-wrapped as UnexpectedError).
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "src", "VpcSecTools", "Commands"), "*.cs"))
        {
            var source = File.ReadAllText(file);
            Assert.False(Regex.IsMatch(source, @"catch\s*\(\s*Exception\b|ThrowTerminatingError|\bWriteError\("),
                $"{Path.GetFileName(file)} reports failures itself: throw, or use ForEachInput, and let VpcSecCmdlet report them");
        }
    }

    [Fact]
    public void Cmdlets_raise_errors_only_through_the_catalogue()
    {
        // A hand-made ErrorRecord would carry an id no table documents; VpcSecCmdlet.ToRecord is the one place.
        var sources = Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "src", "VpcSecTools"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != "VpcSecCmdlet.cs");
        foreach (var file in sources)
            Assert.DoesNotContain("new ErrorRecord(", File.ReadAllText(file));
    }

    [Fact]
    public void Cmdlet_binds_addresses_from_flow_records_instances_and_strings()
    {
        // PowerShellStandard.Library is a reference assembly: read the attributes' recorded arguments, not their properties.
        var type = typeof(GetVpcPrivateIpMapCommand);
        var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute));
        Assert.Equal(new object?[] { "Get", "VpcPrivateIpMap" }, cmdlet.ConstructorArguments.Select(a => a.Value));
        IReadOnlyDictionary<string, object?> Param(string name) => type.GetProperty(name)!.GetCustomAttributesData()
            .Single(a => a.AttributeType == typeof(ParameterAttribute)).NamedArguments.ToDictionary(n => n.MemberName, n => n.TypedValue.Value);
        Assert.Equal(true, Param("IpAddress")["ValueFromPipeline"]);
        Assert.Equal(true, Param("IpAddress")["ValueFromPipelineByPropertyName"]);
        Assert.Equal(true, Param("SourceAddress")["ValueFromPipelineByPropertyName"]);
        Assert.Equal(true, Param("DestinationAddress")["ValueFromPipelineByPropertyName"]);
        var alias = type.GetProperty("IpAddress")!.GetCustomAttributesData().Single(a => a.AttributeType == typeof(AliasAttribute));
        Assert.Contains("PrivateIpAddress", ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(v => (string)v.Value!));
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Single().Value).ToArray();
        Assert.Equal(new object[] { typeof(PrivateIpMapEntry), typeof(AddressAttribution), typeof(CidrOverlap) }, outputs);
    }

    [Fact]
    public void Cmdlet_binds_sources_by_property_name_and_declares_its_outputs()
    {
        // PowerShellStandard is a reference assembly: read attribute data, not attribute instances.
        var type = typeof(TestInstanceReachabilityCommand);
        var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute));
        Assert.Equal(["Test", "InstanceReachability"], cmdlet.ConstructorArguments.Select(a => (string)a.Value!));
        var source = type.GetProperty(nameof(TestInstanceReachabilityCommand.Source))!.GetCustomAttributesData();
        var parameter = source.Single(a => a.AttributeType == typeof(ParameterAttribute));
        Assert.Contains(parameter.NamedArguments, n => n.MemberName == "ValueFromPipelineByPropertyName" && (bool)n.TypedValue.Value!);
        var aliases = source.Single(a => a.AttributeType == typeof(AliasAttribute)).ConstructorArguments.Single().Value as IEnumerable<CustomAttributeTypedArgument>;
        Assert.Equal(["InstanceId", "NetworkInterfaceId", "PrivateIpAddress", "Instances"], aliases!.Select(a => (string)a.Value!));
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments.Single().Value!).Select(a => (Type)a.Value!).ToList();
        Assert.Contains(typeof(ReachabilityResult), outputs);
        Assert.Contains(typeof(ReachableSource), outputs);
        Assert.True(typeof(SnapshotCmdlet).IsAssignableFrom(type));
        var manifest = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "VpcSecTools.psd1"));
        Assert.Contains("'Test-InstanceReachability'", manifest);
        // Help completeness (every parameter, incl. the inherited AWS ones) is Module/HelpTests' job.
    }
}
