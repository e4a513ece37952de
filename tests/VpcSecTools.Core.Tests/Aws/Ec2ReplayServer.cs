using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace VpcSecTools.Tests.Aws;

/// <summary>One request as the replay server received it: form parameters decoded, headers kept.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Headers)
{
    public string Action => Form.GetValueOrDefault("Action", "");
    public string? this[string name] => Form.GetValueOrDefault(name);
}

/// <summary>What the server sends back: status and body (EC2 XML or an EC2 error body).</summary>
public sealed record ReplayResponse(int Status, string Body)
{
    /// <summary>As <see cref="Reply.Delay"/>, <see cref="Reply.Reset"/>, <see cref="Reply.CutAt"/>.</summary>
    public TimeSpan Delay { get; init; }
    public bool Reset { get; init; }
    public int? CutAt { get; init; }

    public static ReplayResponse Ok(string xml) => new(200, xml);

    /// <summary>EC2's error body: <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;</c> with Code and Message, then RequestID.</summary>
    public static ReplayResponse Error(int status, string code, string message) => new(status,
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{SecurityElement(message)}</Message></Error></Errors><RequestID>00000000-0000-0000-0000-00000000e770</RequestID></Response>");

    private static string SecurityElement(string s) => System.Security.SecurityElement.Escape(s) ?? "";
}

/// <summary>
/// EC2 on the loopback server: requests are decoded as EC2 Query forms and recorded, answers are EC2 XML.
/// Listens on 127.0.0.1 only.
/// </summary>
public sealed class Ec2ReplayServer : IDisposable
{
    private readonly LoopbackServer _server;

    public Ec2ReplayServer(Func<RecordedRequest, ReplayResponse> handler, TimeSpan latency = default)
    {
        _server = new LoopbackServer(seen =>
        {
            var request = new RecordedRequest(seen.Method, seen.Path, Form(seen.Body), seen.Headers);
            Requests.Enqueue(request);
            var response = handler(request);
            return new Reply(response.Status, Encoding.UTF8.GetBytes(response.Body), "text/xml;charset=UTF-8")
                { Delay = response.Delay, Reset = response.Reset, CutAt = response.CutAt };
        }, latency);
    }

    public int Port => _server.Port;
    public string Url => _server.Url;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private static Dictionary<string, string> Form(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            form[WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq])] = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
        }
        return form;
    }

    public void Dispose() => _server.Dispose();
}
