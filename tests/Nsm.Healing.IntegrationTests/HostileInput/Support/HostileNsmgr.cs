using System.IO;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Nsm.Api;
using Nsm.Identity;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>
/// An "NSMgr" over real loopback HTTP/2 that speaks gRPC framing by hand, so a test decides byte for byte what
/// Request, Close and MonitorConnections answer. It serves mTLS with an SVID of the development trust domain, as a real
/// NSMgr does, so hostile bytes reach the silo through the same secure path as everything else. By default it behaves: Request echoes the connection with a path,
/// Close answers Empty, and the monitor stream sends an empty INITIAL_STATE_TRANSFER and then stays open.
/// </summary>
public sealed class HostileNsmgr : IAsyncDisposable
{
    private const string RequestPath = "/networkservice.NetworkService/Request";
    private const string ClosePath = "/networkservice.NetworkService/Close";
    private const string MonitorPath = "/connection.MonitorConnection/MonitorConnections";

    private readonly WebApplication _app;
    private int _requests, _closes, _monitorStreams;

    private HostileNsmgr(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Its certificate and the key it signs path segments with.</summary>
    public static X509Svid Svid { get; } = DevelopmentTrust.Authority.Issue(DevelopmentTrust.Authority.IdOf("/nsm/hostile-nsmgr"), TimeSpan.FromHours(4));

    /// <summary>https://127.0.0.1:port, as a connection's NSMgr address.</summary>
    public string Address { get; }

    /// <summary>The frame answering a Request; the default echoes it as a connection with the NSC's and our path segments.</summary>
    public Func<NetworkServiceRequest, byte[]> AnswerRequest { get; set; } = request => GrpcFrames.Of(Echo(request));

    public Func<byte[]> AnswerClose { get; set; } = () => GrpcFrames.Of(new Empty());

    /// <summary>Request and Close accept the call and never answer (until the caller gives up).</summary>
    public bool CallsHang { get; set; }

    /// <summary>Frames each monitor stream sends, in order, before it stays open without a word.</summary>
    public IReadOnlyList<byte[]> MonitorFrames { get; set; } = [GrpcFrames.Of(new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer })];

    public int Requests => Volatile.Read(ref _requests);

    public int Closes => Volatile.Read(ref _closes);

    public int MonitorStreamsOpened => Volatile.Read(ref _monitorStreams);

    public static async Task<HostileNsmgr> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = Svid.Certificate;
                    // Hostile to what it sends, not picky about whom it talks to.
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (_, _, _) => true;
                });
            }));
        var app = builder.Build();
        HostileNsmgr? server = null;
        app.Run(context => server!.ServeAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new HostileNsmgr(app, address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>What a well-behaved NSMgr answers: the request's connection, on our endpoint, with our path segment added.</summary>
    public static Connection Echo(NetworkServiceRequest request)
    {
        var answer = request.Connection.Clone();
        answer.NetworkServiceEndpointName = "hostile-nse";
        answer.Mechanism = request.MechanismPreferences.FirstOrDefault()?.Clone();
        answer.State = State.Up;
        if (answer.Path.PathSegments.Count < 2)
        {
            answer.Path.PathSegments.Add(new PathSegment { Name = "hostile-nsmgr", Id = $"nsmgr-{answer.Id}" });
        }

        // Signed as the silo checks an answer: segment 1 by our key, and segment 0's aud naming us (chained).
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        answer.Path.PathSegments[0].Token = NsmTokens.Sign(Svid, Svid.Id, expires);
        answer.Path.PathSegments[1].Token = NsmTokens.Sign(Svid, DevelopmentTrust.WorkloadApi.Workload, expires);
        foreach (var segment in answer.Path.PathSegments)
        {
            segment.Expires = Timestamp.FromDateTimeOffset(expires);
        }

        return answer;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        try
        {
            switch (context.Request.Path.Value)
            {
                case RequestPath:
                    Interlocked.Increment(ref _requests);
                    var request = NetworkServiceRequest.Parser.ParseFrom(await GrpcFrames.ReadPayloadAsync(context.Request.Body, aborted));
                    await AnswerUnaryAsync(context, () => AnswerRequest(request));
                    break;
                case ClosePath:
                    Interlocked.Increment(ref _closes);
                    await GrpcFrames.ReadPayloadAsync(context.Request.Body, aborted);
                    await AnswerUnaryAsync(context, AnswerClose);
                    break;
                case MonitorPath:
                    Interlocked.Increment(ref _monitorStreams);
                    await StartGrpcResponseAsync(context);
                    foreach (var frame in MonitorFrames)
                    {
                        await context.Response.Body.WriteAsync(frame, aborted);
                        await context.Response.Body.FlushAsync(aborted);
                    }

                    await Task.Delay(Timeout.Infinite, aborted);
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    break;
            }
        }
        catch (Exception) when (aborted.IsCancellationRequested)
        {
            // The client gave up (deadline, cancellation, or it refused what we sent): exactly what the tests provoke.
        }
        catch (IOException)
        {
        }
    }

    private async Task AnswerUnaryAsync(HttpContext context, Func<byte[]> answer)
    {
        if (CallsHang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        await StartGrpcResponseAsync(context);
        await context.Response.Body.WriteAsync(answer(), context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task StartGrpcResponseAsync(HttpContext context)
    {
        context.Response.ContentType = "application/grpc";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(patience.Token);
        await _app.DisposeAsync();
    }
}
