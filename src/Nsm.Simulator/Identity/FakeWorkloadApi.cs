using System.IO;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Nsm.Api.Spiffe;
using Nsm.Identity;
using Nsm.Simulator.Services;

namespace Nsm.Simulator.Identity;

/// <summary>
/// A SPIFFE Workload API on a unix socket, as a SPIRE agent serves it: every caller gets the SVID of one workload,
/// rotated on a timer (and on demand) and pushed down every open FetchX509SVID stream. It can be stopped and started
/// again on the same socket, as an agent restarts.
/// </summary>
public sealed class FakeWorkloadApi : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly SpiffeAuthority _authority;
    private readonly TimeSpan _svidLifetime;
    private readonly ITimer? _rotation;
    private X509Svid _current;
    private TaskCompletionSource _rotated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private FakeWorkloadApi(SpiffeAuthority authority, string socketPath, SpiffeId workload, TimeSpan svidLifetime, TimeSpan? rotateEvery, TimeProvider time)
    {
        _authority = authority;
        SocketPath = socketPath;
        Workload = workload;
        _svidLifetime = svidLifetime;
        _current = authority.Issue(workload, svidLifetime);
        if (rotateEvery is { } period)
        {
            _rotation = time.CreateTimer(_ => Rotate(), null, period, period);
        }
    }

    public string SocketPath { get; }

    /// <summary>What to put in SPIFFE_ENDPOINT_SOCKET.</summary>
    public string Endpoint => "unix://" + SocketPath;

    public SpiffeId Workload { get; }

    /// <summary>The SVID served now.</summary>
    public X509Svid Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>How many SVIDs have been issued, the first included.</summary>
    public int Issued { get; private set; } = 1;

    public bool IsServing => _app is not null;

    /// <param name="rotateEvery">Rotation period; null rotates only on <see cref="Rotate"/>. SPIRE rotates at half the lifetime.</param>
    public static async Task<FakeWorkloadApi> StartAsync(
        SpiffeAuthority authority, string socketPath, SpiffeId workload, TimeSpan svidLifetime, TimeSpan? rotateEvery = null, TimeProvider? time = null)
    {
        var api = new FakeWorkloadApi(authority, socketPath, workload, svidLifetime, rotateEvery, time ?? TimeProvider.System);
        await api.StartAsync().ConfigureAwait(false);
        return api;
    }

    /// <summary>Issues a new SVID (of the usual lifetime unless told) and pushes it to every open stream.</summary>
    public X509Svid Rotate(TimeSpan? lifetime = null)
    {
        var next = _authority.Issue(Workload, lifetime ?? _svidLifetime);
        TaskCompletionSource rotated;
        lock (_gate)
        {
            _current = next;
            Issued++;
            rotated = _rotated;
            _rotated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        rotated.TrySetResult();
        return next;
    }

    /// <summary>Listens on the socket (again); the SVID stays what it was.</summary>
    public async Task StartAsync()
    {
        if (_app is not null)
        {
            return;
        }

        await UnixSocketFile.ClaimAsync(SocketPath, CancellationToken.None).ConfigureAwait(false);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.ListenUnixSocket(SocketPath, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IHostLifetime, SimulatorOwnedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = SimulatorOwnedLifetime.ShutdownTimeout);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        var app = builder.Build();
        app.MapGrpcService<WorkloadApiService>();
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
    }

    /// <summary>Goes away as a crashed agent does: streams cut, socket gone.</summary>
    public async Task StopAsync()
    {
        if (_app is not { } app)
        {
            return;
        }

        _app = null;
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        UnixSocketFile.Remove(SocketPath);
    }

    public async ValueTask DisposeAsync()
    {
        _rotation?.Dispose();
        await StopAsync().ConfigureAwait(false);
    }

    private (X509Svid Svid, Task Rotated) Snapshot()
    {
        lock (_gate)
        {
            return (_current, _rotated.Task);
        }
    }

    private static X509SVIDResponse ResponseFor(X509Svid svid)
    {
        using var key = svid.Certificate.GetECDsaPrivateKey()!;
        return new X509SVIDResponse
        {
            Svids =
            {
                new X509SVID
                {
                    SpiffeId = svid.Id.ToString(),
                    X509Svid = ByteString.CopyFrom(SvidEncoding.WriteCertificates([svid.Certificate, .. svid.Intermediates])),
                    X509SvidKey = ByteString.CopyFrom(key.ExportPkcs8PrivateKey()),
                    Bundle = ByteString.CopyFrom(SvidEncoding.WriteCertificates(svid.Bundle)),
                },
            },
        };
    }

    private sealed class WorkloadApiService(FakeWorkloadApi api) : SpiffeWorkloadAPI.SpiffeWorkloadAPIBase
    {
        public override async Task FetchX509SVID(X509SVIDRequest request, IServerStreamWriter<X509SVIDResponse> responseStream, ServerCallContext context)
        {
            // The specification makes the security header mandatory, so a browser-style request cannot reach the agent.
            if (context.RequestHeaders.GetValue("workload.spiffe.io") != "true")
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "security header missing from request"));
            }

            while (!context.CancellationToken.IsCancellationRequested)
            {
                var (svid, rotated) = api.Snapshot();
                await responseStream.WriteAsync(ResponseFor(svid), context.CancellationToken).ConfigureAwait(false);
                try
                {
                    await rotated.WaitAsync(context.CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
