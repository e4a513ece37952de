using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws.Rds;

/// <summary>
/// The one RDS call VpcSecTools makes, DescribeDBSubnetGroups, in the Query protocol (AWSSDK.RDS is not on the feed): a
/// form-encoded POST, an XML answer read into the AWS CLI's shape by the snapshot's <see cref="DBSubnetGroup"/> record.
/// Signing, retries (throttling, 5xx), credentials and endpoints are AWSSDK.Core's (<see cref="AwsServiceClient"/>).
/// </summary>
internal sealed class RdsClient(AwsSdkConnection connection, string region) : IDisposable
{
    public static readonly AwsServiceDescription Service = new("RDS", "rds", "rds", "2014-10-31");

    /// <summary>The RDS operations VpcSecTools calls (the IAM policy test compares with this list).</summary>
    public static readonly IReadOnlyList<string> Operations = [DescribeDBSubnetGroups];

    public const string DescribeDBSubnetGroups = nameof(DescribeDBSubnetGroups);

    /// <summary>The largest page the API allows.</summary>
    public const int MaxRecords = 100;

    private readonly AwsServiceClient _client = AwsServiceClient.Create(Service, connection, region);
    private int _calls;

    public string Region { get; } = region;

    /// <summary>Calls made (the SDK's retries of one call count once).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// Every DB subnet group of the region, page after page (<c>Marker</c>), each as describe-db-subnet-groups prints it.
    /// A marker the service already returned stops the listing with an error instead of paging for ever.
    /// </summary>
    /// <exception cref="AwsCallException">The call failed after the SDK's retries (denied: <see cref="AwsAccessDeniedException"/>
    /// naming rds:DescribeDBSubnetGroups; unreadable: <see cref="AwsMalformedResponseException"/>).</exception>
    public async Task<IReadOnlyList<JsonObject>> DescribeDBSubnetGroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? marker = null;
        do
        {
            var parameters = new List<(string, string)> { ("Action", DescribeDBSubnetGroups), ("Version", Service.ApiVersion), ("MaxRecords", MaxRecords.ToString(CultureInfo.InvariantCulture)) };
            if (marker is not null) parameters.Add(("Marker", marker));
            var result = await CallAsync(DescribeDBSubnetGroups, parameters, cancellationToken).ConfigureAwait(false);
            foreach (var item in Child(result, "DBSubnetGroups")?.Elements() ?? [])
                groups.Add(RdsXml.Record(item, typeof(DBSubnetGroup), DescribeDBSubnetGroups, Region));
            marker = Child(result, "Marker")?.Value is { Length: > 0 } next ? next : null;
            if (marker is not null && !seen.Add(marker))
                throw new AwsMalformedResponseException(DescribeDBSubnetGroups, Region, $"Marker '{marker}' was returned twice (the pages would never end)");
        } while (marker is not null);
        return groups;
    }

    /// <summary>One call; the operation's <c>&lt;…Result&gt;</c> element.</summary>
    private async Task<XElement> CallAsync(string operation, IReadOnlyList<(string Name, string Value)> parameters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            var response = await _client.SendAsync<RdsResponse>(new RdsRequest(parameters), RdsMarshaller.Instance, RdsUnmarshaller.Instance, cancellationToken).ConfigureAwait(false);
            return Child(response.Document.Root!, operation + "Result")
                ?? throw new AwsMalformedResponseException(operation, Region, $"no {operation}Result in the response");
        }
        catch (Exception e) when (AwsCallFailure.Translate(e, operation, Region, "rds:" + operation, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public void Dispose() => _client.Dispose();
}

/// <summary>A Query call: its form parameters (<c>Action</c>, <c>Version</c>, the operation's own).</summary>
internal sealed class RdsRequest(IReadOnlyList<(string Name, string Value)> parameters) : AmazonWebServiceRequest
{
    public IReadOnlyList<(string Name, string Value)> Parameters { get; } = parameters;
}

/// <summary>A Query answer, parsed.</summary>
internal sealed class RdsResponse : AmazonWebServiceResponse
{
    public XDocument Document { get; set; } = new();
}

/// <summary>A POST to <c>/</c> with the form-encoded parameters as its body (a byte array, so the SDK can resend it when it retries).</summary>
internal sealed class RdsMarshaller : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public static readonly RdsMarshaller Instance = new();

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var call = (RdsRequest)input;
        var request = new DefaultRequest(call, RdsClient.Service.ServiceId) { HttpMethod = "POST", ResourcePath = "/" };
        request.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        request.Content = Encoding.UTF8.GetBytes(string.Join("&", call.Parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}")));
        return request;
    }
}

/// <summary>
/// Reads a Query answer, and a Query error body (<c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;Throttling&lt;/Code&gt;…</c>) into the
/// SDK's exception with its code, so the SDK's retry policy recognises throttling and <see cref="AwsErrorCodes"/> denials.
/// </summary>
internal sealed class RdsUnmarshaller : XmlResponseUnmarshaller
{
    public static readonly RdsUnmarshaller Instance = new();

    // A cut or garbled body throws XmlException here; the client names the operation.
    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext context) =>
        new RdsResponse { Document = XDocument.Load(context.Stream) };

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        XElement? error = null;
        string? requestId = null;
        try
        {
            var root = XDocument.Load(context.Stream).Root;
            error = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            requestId = root?.Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
        }
        catch (XmlException) { }
        string? Field(string name) => error?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        var type = Field("Type") == "Receiver" || (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender;
        return new AmazonServiceException(Field("Message") ?? $"HTTP {(int)statusCode}", innerException, type, Field("Code"), requestId, statusCode);
    }
}

/// <summary>
/// An RDS XML element as the AWS CLI prints it, led by a snapshot record: each member the record declares is the child of
/// the same name, a list's items are the child's elements (<c>&lt;Subnet&gt;</c>, <c>&lt;member&gt;</c>), a record is read the same way.
/// </summary>
internal static class RdsXml
{
    public static JsonObject Record(XElement element, Type record, string operation, string region)
    {
        var json = new JsonObject();
        foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var child = element.Elements().FirstOrDefault(e => e.Name.LocalName == property.Name);
            if (child is not null) json[property.Name] = Value(child, property.PropertyType, operation, region);
        }
        return json;
    }

    private static JsonNode? Value(XElement element, Type type, string operation, string region)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (scalar == typeof(string)) return element.Value;
        if (scalar == typeof(int))
            return int.TryParse(element.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
                : throw new AwsMalformedResponseException(operation, region, $"{element.Name.LocalName} '{element.Value}' is not a number");
        if (scalar == typeof(bool))
            return bool.TryParse(element.Value, out var b) ? b
                : throw new AwsMalformedResponseException(operation, region, $"{element.Name.LocalName} '{element.Value}' is not true or false");
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var item = type.GetGenericArguments()[0];
            return new JsonArray(element.Elements().Select(e => Value(e, item, operation, region)).ToArray());
        }
        return Record(element, type, operation, region);
    }
}
