using System.Net;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;

namespace VpcSecTools.Aws.Ec2;

/// <summary>
/// One EC2 Query call: the action and its form parameters in the protocol's flattened names
/// (<c>Filter.1.Name</c>, <c>Filter.1.Value.1</c>, <c>MaxResults</c>, <c>NextToken</c>).
/// </summary>
internal sealed class Ec2QueryRequest : AmazonWebServiceRequest
{
    public Ec2QueryRequest(string action, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        Action = action;
        Parameters = parameters;
    }

    public string Action { get; }
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }
}

/// <summary>The response of one EC2 Query call: the XML document as EC2 sent it.</summary>
internal sealed class Ec2QueryResponse : AmazonWebServiceResponse
{
    public XDocument Document { get; set; } = new();
}

/// <summary>
/// Turns an <see cref="Ec2QueryRequest"/> into the SDK request the pipeline signs and sends: a POST with
/// <c>Action</c>, <c>Version</c> and the parameters, which AWSSDK.Core form-encodes into the body.
/// </summary>
internal sealed class Ec2QueryMarshaller : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public static readonly Ec2QueryMarshaller Instance = new();

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var call = (Ec2QueryRequest)input;
        var request = new DefaultRequest(call, Ec2Client.Service.ServiceId) { HttpMethod = "POST" };
        request.Parameters.Add("Action", call.Action);
        request.Parameters.Add("Version", Ec2Client.Service.ApiVersion);
        foreach (var (name, value) in call.Parameters) request.Parameters.Add(name, value);
        return request;
    }
}

/// <summary>
/// Reads EC2's XML response into a document (converted to CLI-shaped JSON afterwards, from the model), and
/// EC2's error body (<c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code&gt;</c>) into the SDK's exception, so
/// the SDK's retry policy sees throttling codes such as <c>RequestLimitExceeded</c>.
/// </summary>
internal sealed class Ec2QueryUnmarshaller : EC2ResponseUnmarshaller
{
    public static readonly Ec2QueryUnmarshaller Instance = new();

    public override AmazonWebServiceResponse Unmarshall(XmlUnmarshallerContext context)
    {
        // A truncated or otherwise broken body throws XmlException here; the caller names the operation.
        return new Ec2QueryResponse { Document = XDocument.Load(context.Stream, LoadOptions.None) };
    }

    public override AmazonServiceException UnmarshallException(XmlUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        var error = XmlErrorResponseUnmarshaller.GetInstance().Unmarshall(context);
        return new AmazonServiceException(error.Message, innerException, error.Type, error.Code, error.RequestId, statusCode);
    }
}
