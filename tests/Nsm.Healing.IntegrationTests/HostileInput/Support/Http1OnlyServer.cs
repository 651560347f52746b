using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>A plain web server on loopback that speaks HTTP/1.1 only, as if an NSMgr address pointed at the wrong service.</summary>
public sealed class Http1OnlyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Http1OnlyServer(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<Http1OnlyServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("<html>a web page, not an NSMgr</html>"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Http1OnlyServer(app, address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }
}
