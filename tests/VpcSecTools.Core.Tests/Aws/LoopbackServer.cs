using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VpcSecTools.Tests.Aws;

/// <summary>A request as the loopback server saw it.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A canned answer, or a fault in the connection itself.</summary>
public sealed record Reply(int Status, byte[] Body, string ContentType = "text/xml", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static Reply Xml(string xml, int status = 200) => new(status, Encoding.UTF8.GetBytes(xml));

    /// <summary>Waits this long before answering (a slow service, past the client's timeout).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Drops the connection once the status line and headers are out, before any of the body they promise (a reset
    /// mid-response). HttpListener cannot drop a connection before it answers: aborted unanswered, it sends an empty 200.
    /// </summary>
    public bool Reset { get; init; }

    /// <summary>Promises the whole body (Content-Length) but drops the connection after this many bytes.</summary>
    public int? CutAt { get; init; }
}

/// <summary>
/// An HTTP server on 127.0.0.1 (never any other address) that answers AWS SDK clients from a handler
/// and records every request, so tests drive the real client stack against recorded AWS shapes.
/// </summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<SeenRequest, Reply> _handler;
    private readonly TimeSpan _latency;
    private readonly Task _loop;

    /// <param name="handler">Answers each request; called concurrently, as AWS serves parallel calls.</param>
    /// <param name="latency">Added before each answer (the benchmarks' per-call latency).</param>
    public LoopbackServer(Func<SeenRequest, Reply> handler, TimeSpan latency = default)
    {
        _handler = handler;
        _latency = latency;
        // A free port can be taken by another process between the probe and the listen: try another.
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort();
            Url = $"http://127.0.0.1:{Port}";
            var listener = new HttpListener();
            listener.Prefixes.Add(Url + "/");
            try
            {
                listener.Start();
                _listener = listener;
                break;
            }
            catch (HttpListenerException) when (attempt < 10) { listener.Close(); }
        }
        _loop = Task.Run(Loop);
    }

    public int Port { get; private set; }
    public string Url { get; private set; }
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    private async Task Loop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var seen = new SeenRequest(context.Request.HttpMethod, Uri.UnescapeDataString(context.Request.Url!.AbsolutePath),
                context.Request.Url.Query, context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase),
                await reader.ReadToEndAsync());
            Requests.Enqueue(seen);
            if (_latency > TimeSpan.Zero) await Task.Delay(_latency);
            Reply reply;
            try { reply = _handler(seen); }
            catch (Exception e) { reply = new Reply(500, Encoding.UTF8.GetBytes(e.Message), "text/plain"); }
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            foreach (var (k, v) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[k] = v;
            context.Response.ContentLength64 = reply.Body.Length;
            if ((reply.Reset ? 0 : reply.CutAt) is { } cut)
            {
                await context.Response.OutputStream.WriteAsync(reply.Body.AsMemory(0, cut));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return;
            }
            await context.Response.OutputStream.WriteAsync(reply.Body);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException) { }
    }

    internal static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
