using System.Collections.Concurrent;
using System.IO;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Nsm.Healing.Silo.Tests.Telemetry;

/// <summary>
/// A stand-in OpenTelemetry collector on a loopback port: keeps the path and body of every export it receives.
/// It speaks HTTP/1.1 and HTTP/2 without TLS, so both OTLP/HTTP and OTLP/gRPC exporters reach it.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _arrivals = new(0);

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Path, byte[] Body)> Exports { get; } = new();

    public Uri Endpoint => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    public static async Task<OtlpReceiver> StartAsync(HttpProtocols protocols)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Exports.Enqueue((context.Request.Path.Value ?? "", body.ToArray()));
            receiver._arrivals.Release();
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (context.Request.ContentType == "application/grpc")
            {
                // A gRPC success: an empty response message (flag 0, length 0), then grpc-status 0 in the trailers.
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]);
                context.Response.AppendTrailer("grpc-status", "0");
            }
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Whether an export to <paramref name="path"/> carried <paramref name="text"/> (protobuf keeps strings as UTF-8).</summary>
    public bool Received(string path, string text) =>
        Exports.Any(export => export.Path == path && export.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0);

    /// <summary>
    /// Waits until an export to <paramref name="path"/> carried <paramref name="text"/>. An exporter's ForceFlush can
    /// return while its last batch is still on the wire (the batch leaves the buffer before the send completes), so a
    /// check right after the flush races the request.
    /// </summary>
    public async Task<bool> WaitForAsync(string path, string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Received(path, text))
        {
            try
            {
                await _arrivals.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return Received(path, text);
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrivals.Dispose();
    }
}
