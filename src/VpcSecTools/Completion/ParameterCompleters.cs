namespace VpcSecTools.Completion;

/// <summary>
/// Which completer serves which parameter name. VpcSecTools.psm1 registers these for every exported cmdlet
/// that has the parameter, so a new cmdlet's <c>-VpcId</c> completes without declaring anything.
/// </summary>
public static class ParameterCompleters
{
    /// <summary>Parameter name (case-insensitive) to an <c>IArgumentCompleter</c> type with a public parameterless constructor.</summary>
    public static IReadOnlyDictionary<string, Type> ByParameterName { get; } =
        new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            ["VpcId"] = typeof(VpcIdCompleter),
            ["FromVpcId"] = typeof(VpcIdCompleter),
            ["SubnetId"] = typeof(SubnetIdCompleter),
            ["InstanceId"] = typeof(InstanceIdCompleter),
            ["GroupId"] = typeof(GroupIdCompleter),
            ["InterfaceId"] = typeof(NetworkInterfaceIdCompleter),
            ["FlowLogId"] = typeof(FlowLogIdCompleter),
            ["Source"] = typeof(ReachabilityEndpointCompleter),
            ["Destination"] = typeof(ReachabilityEndpointCompleter),
            ["Protocol"] = typeof(ProtocolCompleter),
            ["GroupBy"] = typeof(FlowFieldCompleter),
            ["Last"] = typeof(DurationCompleter),
            ["Bin"] = typeof(DurationCompleter),
            ["CheckId"] = typeof(CheckIdCompleter),
            ["Region"] = typeof(RegionCompleter),
            ["ProfileName"] = typeof(ProfileNameCompleter),
        }.AsReadOnly();
}
