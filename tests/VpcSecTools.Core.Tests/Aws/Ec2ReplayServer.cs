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
    public static ReplayResponse Ok(string xml) => new(200, xml);

    /// <summary>EC2's error body: <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;</c> with Code and Message, then RequestID.</summary>
    public static ReplayResponse Error(int status, string code, string message) => new(status,
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{SecurityElement(message)}</Message></Error></Errors><RequestID>00000000-0000-0000-0000-00000000e770</RequestID></Response>");

    private static string SecurityElement(string s) => System.Security.SecurityElement.Escape(s) ?? "";
}

/// <summary>
/// A loopback HTTP server standing in for EC2: every request is recorded (form body decoded) and answered by
/// the handler, optionally after a delay (the benchmark's per-call latency). Unlike <see cref="LoopbackServer"/>
/// it serves requests concurrently, as EC2 does, so parallel capture is exercised. Listens on 127.0.0.1 only.
/// </summary>
public sealed class Ec2ReplayServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, ReplayResponse> _handler;
    private readonly TimeSpan _latency;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public Ec2ReplayServer(Func<RecordedRequest, ReplayResponse> handler, TimeSpan latency = default)
    {
        _handler = handler;
        _latency = latency;
        Port = LoopbackServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
            var form = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                var name = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
                form[name] = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            }
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, form, headers);
            Requests.Enqueue(request);
            if (_latency > TimeSpan.Zero) await Task.Delay(_latency).ConfigureAwait(false);
            var response = _handler(request);
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "text/xml;charset=UTF-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
        catch (HttpListenerException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
