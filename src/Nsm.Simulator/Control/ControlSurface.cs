using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Services;

namespace Nsm.Simulator.Control;

/// <summary>The small HTTP/1.1 JSON API on loopback that inspects the simulator and injects faults.</summary>
internal sealed class ControlSurface : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ControlSurface(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ControlSurface> StartAsync(NsmSimulator simulator, int port, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, SimulatorOwnedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = SimulatorOwnedLifetime.ShutdownTimeout);
        builder.Services.AddRouting();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        ControlEndpoints.Map(app, simulator);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var url = app.Urls.First();
        SimulatorLog.ControlListening(loggers.CreateLogger<ControlSurface>(), url);
        return new ControlSurface(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
