using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nsm.Healing.Client.Tests.Fakes;

/// <summary>
/// The simulator's control surface reduced to <c>GET /dataplane/{id}</c>, on an HttpListener on a free loopback port.
/// Answers from <see cref="Answers"/> (status and JSON body per connection id), 404 for any other id.
/// </summary>
internal sealed class FakeSimulatorControl : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    public FakeSimulatorControl()
    {
        _listener = StartOnFreePort(out var port);
        Url = new Uri($"http://127.0.0.1:{port}/");
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    public Dictionary<string, (HttpStatusCode Status, string Body)> Answers { get; } = [];

    /// <summary>Every request path, unescaped as the listener saw it.</summary>
    public Recorded<string> Paths { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            Paths.Add(context.Request.RawUrl!);
            var id = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
            var (status, body) = Answers.TryGetValue(id, out var answer) ? answer : (HttpStatusCode.NotFound, "");
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    // A port another process takes between probing and listening makes Start fail; try a few.
    private static HttpListener StartOnFreePort(out int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener { Prefixes = { $"http://127.0.0.1:{port}/" } };
            try
            {
                listener.Start();
                return listener;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }
}
