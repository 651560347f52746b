using System.Security.Authentication;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Healing.Namespaces;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Calls <c>networkservice.NetworkService</c> on an NSMgr over a pooled channel, with a per-call deadline. With an
/// identity (the default) each call goes over mTLS with our SVID and carries a token signed for that NSMgr, and each
/// answer must pass the NSC's token check. Every failure, whatever the server at the address did, surfaces as
/// <see cref="NsmRequestFailedException"/> naming the address; identity trouble as PermissionDenied or Unauthenticated.
/// </summary>
public sealed class NsmgrClient(NsmgrChannelPool channels, IX509SvidSource identity, NsmTokenSigner tokens, IOptions<NsmgrClientOptions> options) : INsmgrClient
{
    public async Task<NsmgrAnswer> RequestAsync(
        string nsmgrAddress, NetworkServiceRequest request, NscNamespace? netns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connectionId = request.Connection?.Id;
        var (answer, call) = await SendAsync("Request", nameof(Connection), nsmgrAddress, connectionId, timeout, cancellationToken, async call =>
        {
            var passing = NamespacePassing.For("Request", nsmgrAddress, connectionId, KernelMechanisms.Of(request), netns, call.Lease.Nsmgr.Outbox);
            var outgoing = request;
            if (passing is not null)
            {
                outgoing = request.Clone();
                passing.Rewrite(KernelMechanisms.Of(outgoing));
            }

            Connection answer;
            using (passing?.Attach())
            {
                answer = await new NetworkService.NetworkServiceClient(call.Channel).RequestAsync(outgoing, call.Metadata, Deadline(timeout), cancellationToken);
            }

            if (passing is not null && answer.Mechanism is { } chosen)
            {
                passing.Restore([chosen]);
            }

            return answer;
        });
        using (call)
        {
            RequireUsableAnswer(nsmgrAddress, request.Connection!.Id, answer);
            if (call.Peers is not null && await AnswerProblemAsync(answer, call.Lease.Nsmgr, timeout, cancellationToken) is { } problem)
            {
                await CloseUntrustedAnswer(nsmgrAddress, answer, netns, timeout, cancellationToken);
                throw new NsmRequestFailedException(
                    nameof(StatusCode.Unauthenticated),
                    $"Request for connection '{connectionId}' at NSMgr {nsmgrAddress} was answered with a path that fails the token check (next_token_signed): {problem}; the connection was closed");
            }

            return new NsmgrAnswer(answer, call.Token is { } token ? tokens.ValidFor(token) : null);
        }
    }

    public async Task CloseAsync(string nsmgrAddress, Connection connection, NscNamespace? netns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var mechanisms = connection.Mechanism is { } mechanism ? new[] { mechanism } : [];
        var (_, call) = await SendAsync("Close", "google.protobuf.Empty", nsmgrAddress, connection.Id, timeout, cancellationToken, async call =>
        {
            var passing = NamespacePassing.For("Close", nsmgrAddress, connection.Id, mechanisms, netns, call.Lease.Nsmgr.Outbox);
            var outgoing = connection;
            if (passing is not null)
            {
                outgoing = connection.Clone();
                passing.Rewrite([outgoing.Mechanism]);
            }

            using (passing?.Attach())
            {
                return await new NetworkService.NetworkServiceClient(call.Channel).CloseAsync(outgoing, call.Metadata, Deadline(timeout), cancellationToken);
            }
        });
        call.Dispose();
    }

    /// <summary>
    /// Prepares and sends one Request or Close. A token names the NSMgr its channel knew at that address; a new NSMgr
    /// there (restarted under another identity, or a port another NSMgr had) shows its certificate only in the
    /// handshake of the connection the call opens, and refuses the token with PermissionDenied. Then the call is signed
    /// for the NSMgr that handshake met and sent once more: the refusal held nothing at the NSMgr. The caller disposes
    /// the call returned (its channel lease) once it is done with the answer.
    /// </summary>
    private async Task<(T Answer, PreparedCall Call)> SendAsync<T>(
        string name, string expectedAnswer, string nsmgrAddress, string? connectionId, TimeSpan timeout, CancellationToken cancellationToken,
        Func<PreparedCall, Task<T>> send)
    {
        for (var signings = 1; ; signings++)
        {
            var call = await PrepareAsync(name, nsmgrAddress, connectionId, timeout, cancellationToken);
            try
            {
                return (await send(call), call);
            }
            catch (Exception e)
            {
                call.Dispose();
                if (signings == 1 && e is RpcException { StatusCode: StatusCode.PermissionDenied } && call.SignedForAnotherThanMet)
                {
                    continue;
                }

                if (e is NsmRequestFailedException)
                {
                    throw;
                }

                throw Failed(name, expectedAnswer, nsmgrAddress, connectionId, e, call.Peers);
            }
        }
    }

    public async Task<Connection?> FindHeldAsync(string nsmgrAddress, Connection ours, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Our own segment, by id only: a selector the NSMgr's monitor authorization accepts from the connection's owner.
        var ownSegment = ours.Path.PathSegments[0].Id;
        var selector = new MonitorScopeSelector { PathSegments = { new PathSegment { Id = ownSegment } } };
        try
        {
            using var lease = channels.Rent(nsmgrAddress);
            using var call = new MonitorConnection.MonitorConnectionClient(lease.Channel).MonitorConnections(selector, deadline: Deadline(timeout), cancellationToken: cancellationToken);
            if (!await call.ResponseStream.MoveNext(cancellationToken) || call.ResponseStream.Current.Type != ConnectionEventType.InitialStateTransfer)
            {
                throw new NsmRequestFailedException(
                    "Internal", $"MonitorConnections at NSMgr {nsmgrAddress} did not start with INITIAL_STATE_TRANSFER (looking for connection '{ours.Id}')");
            }

            // Filtered again here: an NSMgr that ignores the selector still answers for this connection only.
            var held = call.ResponseStream.Current.Connections.Values
                .Where(held => held.Path is { PathSegments: [var first, ..] } && first.Id == ownSegment)
                .MaxBy(held => held.Path.PathSegments.Count > 1 ? held.Path.PathSegments[1].Expires?.ToDateTimeOffset() : null);
            return held is null ? null : AsTheNscKnowsIt(held, ours.Id);
        }
        catch (Exception e) when (e is not NsmRequestFailedException)
        {
            throw Failed("MonitorConnections", nameof(ConnectionEvent), nsmgrAddress, ours.Id, e);
        }
    }

    /// <summary>A monitor event names the connection by the NSMgr's own id, seen from its hop; the NSC's has its id, from hop 0.</summary>
    private static Connection AsTheNscKnowsIt(Connection held, string connectionId)
    {
        var connection = held.Clone();
        connection.Id = connectionId;
        connection.Path.Index = 0;
        return connection;
    }

    /// <summary>
    /// Everything a connection does later (restore, reselect, refresh, event matching) needs the answer's id and path.
    /// A malformed answer is reported as "Internal", which owes a Close: the NSMgr may hold the connection.
    /// </summary>
    private static void RequireUsableAnswer(string nsmgrAddress, string connectionId, Connection answer)
    {
        var problem = answer switch
        {
            { Id: var id } when id != connectionId => $"its id '{id}' is not the requested '{connectionId}'",
            { Path: null } or { Path.PathSegments.Count: 0 } => "it carries no path",
            { Path.PathSegments: var segments } when segments[0].Id != connectionId => $"its path segment 0 id '{segments[0].Id}' is not the connection id",
            _ => null,
        };
        if (problem is not null)
        {
            throw new NsmRequestFailedException("Internal", $"Request for connection '{connectionId}' at NSMgr {nsmgrAddress} returned a malformed connection: {problem}");
        }
    }

    /// <summary>
    /// The channel (rented for the call, so the pool never closes it under the call) and metadata for one call. Without an
    /// SVID nothing is sent: the failure is our identity's, reported as Unauthenticated so healing holds instead of moving
    /// the connection.
    /// </summary>
    private async Task<PreparedCall> PrepareAsync(string call, string nsmgrAddress, string? connectionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!channels.Secure)
        {
            var plain = channels.Rent(nsmgrAddress);
            return new PreparedCall(plain, null, null, null, null);
        }

        X509Svid own;
        try
        {
            own = identity.Current;
        }
        catch (IdentityUnavailableException e)
        {
            throw new NsmRequestFailedException(
                nameof(StatusCode.Unauthenticated), $"{call} for connection '{connectionId}' at NSMgr {nsmgrAddress} not sent: identity unavailable: {e.Message}");
        }

        var lease = channels.RentFor(nsmgrAddress, own);
        SpiffePeer nsmgr;
        try
        {
            nsmgr = await lease.Nsmgr.PeerAsync(timeout, cancellationToken);
        }
        catch (Exception e)
        {
            lease.Dispose();
            throw Failed(call, "a TLS handshake", nsmgrAddress, connectionId, e);
        }

        var token = tokens.Sign(own, nsmgr);
        var metadata = new Metadata
        {
            { NsmTokens.TokenHeader, token.Value },
            { NsmTokens.ExpiresHeader, NsmTokens.FormatExpiry(token.Expires) },
        };
        return new PreparedCall(lease, metadata, lease.Nsmgr.Peers, token, nsmgr);
    }

    /// <summary>
    /// Why the answer fails the NSC's check, or null. A segment signed by a key we have not seen may come from an NSMgr that
    /// renewed its SVID after our connection opened: its current certificate is asked for once before the answer is refused.
    /// </summary>
    private static async Task<string?> AnswerProblemAsync(Connection answer, NsmgrChannel nsmgr, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (NextTokenCheck.FindProblem(answer, nsmgr.Peers) is null)
        {
            return null;
        }

        try
        {
            await nsmgr.RelearnPeerAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // The NSMgr could not be asked: the answer stands refused for the reason already found.
        }

        return NextTokenCheck.FindProblem(answer, nsmgr.Peers);
    }

    /// <summary>The NSMgr may hold what it answered; leave nothing behind. A failure here changes nothing about the refusal.</summary>
    private async Task CloseUntrustedAnswer(string nsmgrAddress, Connection answer, NscNamespace? netns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await CloseAsync(nsmgrAddress, answer, netns, timeout, cancellationToken);
        }
        catch (NsmRequestFailedException)
        {
        }
    }

    // gRPC deadlines are wall-clock by protocol; the grain's (possibly fake) clock does not apply to the wire.
    private static DateTime Deadline(TimeSpan timeout) => DateTime.UtcNow + timeout;

    /// <summary>
    /// gRPC reports everything as <see cref="RpcException"/>; anything else (a bug, a cancelled token) still must not escape
    /// as another type, or a caller expecting <see cref="NsmRequestFailedException"/> would leave state half-done.
    /// A TLS handshake refused either way is identity trouble (Unauthenticated), not an NSMgr outage; when we refused the
    /// NSMgr, the reason our check gave is the one reported (<paramref name="peers"/>).
    /// </summary>
    private NsmRequestFailedException Failed(string call, string expectedAnswer, string nsmgrAddress, string? connectionId, Exception e, NsmgrPeers? peers = null)
    {
        var (status, cause) = e switch
        {
            _ when Find<AuthenticationException>(e) is { } tls => (StatusCode.Unauthenticated,
                $"{StatusCode.Unauthenticated}: {(peers?.LastRefusal is { } refusal ? $"mTLS refused the NSMgr: {refusal}" : tls.Message)}"),
            _ when Find<IdentityUnavailableException>(e) is { } missing => (StatusCode.Unauthenticated, $"{StatusCode.Unauthenticated}: identity unavailable: {missing.Message}"),
            RpcException rpc => NsmgrCallFailure.Describe(rpc, expectedAnswer, options.Value.MaxReceiveMessageBytes),
            OperationCanceledException => (StatusCode.Cancelled, $"{StatusCode.Cancelled}: {e.Message}"),
            TimeoutException => (StatusCode.DeadlineExceeded, $"{StatusCode.DeadlineExceeded}: {e.Message}"),
            System.Net.Sockets.SocketException or System.IO.IOException or System.Net.Http.HttpRequestException => (StatusCode.Unavailable, $"{StatusCode.Unavailable}: {e.Message}"),
            _ => (StatusCode.Unknown, $"{StatusCode.Unknown}: {e.GetType().Name}: {e.Message}"),
        };
        return new NsmRequestFailedException(status.ToString(), $"{call} for connection '{connectionId}' at NSMgr {nsmgrAddress} failed: {cause}");
    }

    private static T? Find<T>(Exception? e) where T : Exception =>
        e is null ? null : e as T ?? Find<T>(e.InnerException) ?? (e is RpcException rpc ? Find<T>(rpc.Status.DebugException) : null);

    /// <param name="SignedFor">The NSMgr the token names; null when none was signed.</param>
    private sealed record PreparedCall(NsmgrChannelPool.ChannelLease Lease, Metadata? Metadata, NsmgrPeers? Peers, NsmToken? Token, SpiffePeer? SignedFor) : IDisposable
    {
        public Grpc.Net.Client.GrpcChannel Channel => Lease.Channel;

        /// <summary>Whether the newest NSMgr the channel's handshakes met is not the one the token names.</summary>
        public bool SignedForAnotherThanMet => SignedFor is { } signed && Peers?.Latest is { } met && met.Id != signed.Id;

        public void Dispose() => Lease.Dispose();
    }
}
