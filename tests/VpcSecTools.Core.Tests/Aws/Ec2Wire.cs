using VpcSecTools.Aws;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>The recorded EC2 wire responses in tests/fixtures/ec2-wire (made by tools/ec2-wire-fixtures.py).</summary>
public static class Ec2Wire
{
    public const string Region = "us-east-2";
    public static string Root => Path.Combine(TestPaths.Fixtures, "ec2-wire");
    public static string Xml(string scenario) => Path.Combine(Root, scenario, "xml");
    public static string Describe(string scenario) => Path.Combine(Root, scenario, "describe");

    /// <summary>The recording that answers a request: by action, and by route table / prefix list for per-parent calls.</summary>
    public static string FileFor(RecordedRequest request)
    {
        var action = request.Action;
        if (request["TransitGatewayRouteTableId"] is { } table)
            return action == "SearchTransitGatewayRoutes" ? $"{action}.{request["Filter.1.Value.1"]}.{table}" : $"{action}.{table}";
        if (request["PrefixListId"] is { } list) return $"{action}.{list}";
        return action;
    }

    /// <summary>Serves a scenario's recordings; <paramref name="overrides"/> may answer first (faults).</summary>
    public static Ec2ReplayServer Serve(string scenario, Func<RecordedRequest, ReplayResponse?>? overrides = null, TimeSpan latency = default) =>
        new(request => overrides?.Invoke(request) ?? Recorded(scenario, request), latency);

    public static ReplayResponse Recorded(string scenario, RecordedRequest request)
    {
        var file = Path.Combine(Xml(scenario), FileFor(request) + ".xml");
        return File.Exists(file)
            ? ReplayResponse.Ok(File.ReadAllText(file))
            : ReplayResponse.Error(400, "InvalidAction", $"no recording {Path.GetFileName(file)}");
    }

    public static AwsSdkConnection Connection(Ec2ReplayServer server, string? sessionToken = null) =>
        AwsSdkConnection.Resolve(new AwsConnectionRequest
        {
            Region = Region, AccessKey = "AKIDEXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken = sessionToken,
            EndpointUrl = server.Url, Environment = _ => null,
        });

    public static Task<InventoryResult> Capture(Ec2ReplayServer server, InventoryRequest? request = null) =>
        Ec2Inventory.CaptureAsync(Connection(server), request ?? new InventoryRequest());

    /// <summary>The snapshot file bytes without the metadata (source and time differ by design).</summary>
    public static string Canonical(VpcSnapshot snapshot)
    {
        using var stream = new MemoryStream();
        SnapshotFile.Write(snapshot with { Metadata = new SnapshotMetadata { Generator = "test" } }, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
