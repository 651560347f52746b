using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Nsm.Api.Spiffe;
using Nsm.Healing.Decisions;
using Nsm.Identity;

namespace Nsm.Healing.Identity;

/// <summary>
/// The SPIFFE Workload API client: one FetchX509SVID stream kept open to the agent's unix socket, each pushed SVID
/// (a rotation) swapped in for new connections and tokens, and re-dialed with jittered backoff when the agent goes
/// away. The last SVID stays in use until it expires; after that, <see cref="Current"/> says why there is none.
/// </summary>
public sealed class WorkloadApiSvidSource : IX509SvidSource, IAsyncDisposable
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(100);

    private readonly string _socket;
    private readonly TimeSpan _reconnectMaxDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile X509Svid? _svid;
    private volatile string _lastError = "not connected yet";
    private Task? _loop;

    public WorkloadApiSvidSource(string socket, TimeSpan reconnectMaxDelay, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _reconnectMaxDelay = reconnectMaxDelay;
        _time = time;
        _logger = logger;
    }

    public X509Svid Current
    {
        get
        {
            var svid = _svid ?? throw new IdentityUnavailableException($"no X.509-SVID yet from the SPIFFE Workload API at {_socket} ({_lastError})");
            return svid.NotAfter > _time.GetUtcNow()
                ? svid
                : throw new IdentityUnavailableException($"the X.509-SVID {svid.Id} expired at {svid.NotAfter:O} and the SPIFFE Workload API at {_socket} sent no new one ({_lastError})");
        }
    }

    /// <summary>Opens the stream (and keeps reopening it) until disposed.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <exception cref="InvalidOperationException">No SVID within <paramref name="timeout"/>; names the socket and the last error.</exception>
    public async Task WaitForFirstAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _first.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException(
                $"no X.509-SVID from the SPIFFE Workload API at {_socket} within {timeout} ({IdentityOptions.Section}:{nameof(IdentityOptions.StartupTimeout)}); last error: {_lastError}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await FollowStreamAsync(stopping, () => failures = 0).ConfigureAwait(false);
                _lastError = "the Workload API ended the stream";
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _lastError = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
            }

            failures++;
            var bound = TimeSpan.FromTicks(Math.Min(_reconnectMaxDelay.Ticks, FirstReconnectDelay.Ticks << Math.Min(failures - 1, 20)));
            var delay = bound * JitterSource.Shared.NextFraction();
            IdentityLog.WorkloadApiUnreachable(_logger, _socket, delay, _lastError);
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task FollowStreamAsync(CancellationToken stopping, Action connected)
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectCallback = ConnectAsync },
            DisposeHttpClient = true,
        });
        var client = new SpiffeWorkloadAPI.SpiffeWorkloadAPIClient(channel);
        using var call = client.FetchX509SVID(new X509SVIDRequest(), new Metadata { { "workload.spiffe.io", "true" } }, cancellationToken: stopping);
        while (await call.ResponseStream.MoveNext(stopping).ConfigureAwait(false))
        {
            connected();
            Accept(call.ResponseStream.Current);
        }
    }

    private void Accept(X509SVIDResponse response)
    {
        if (response.Svids.Count == 0)
        {
            _lastError = "the Workload API sent no SVID for this workload";
            IdentityLog.SvidRejected(_logger, _socket, _lastError);
            return;
        }

        var sent = response.Svids[0];
        try
        {
            var svid = SvidEncoding.Read(sent.SpiffeId, sent.X509Svid.Span, sent.X509SvidKey.Span, sent.Bundle.Span);
            _svid = svid;
            IdentityLog.SvidReceived(_logger, svid.Id.ToString(), _socket, svid.NotAfter);
            _first.TrySetResult();
        }
        catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            _lastError = $"unusable SVID for '{sent.SpiffeId}': {e.Message}";
            IdentityLog.SvidRejected(_logger, _socket, _lastError);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
