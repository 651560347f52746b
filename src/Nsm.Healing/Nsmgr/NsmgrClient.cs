using Grpc.Core;
using Microsoft.Extensions.Options;
using Nsm.Api;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Calls <c>networkservice.NetworkService</c> on an NSMgr over a pooled channel, with a per-call deadline. Every failure,
/// whatever the server at the address did, surfaces as <see cref="NsmRequestFailedException"/> naming the address.
/// </summary>
public sealed class NsmgrClient(NsmgrChannelPool channels, INsmTokenProvider tokens, IOptions<NsmgrClientOptions> options) : INsmgrClient
{
    public async Task<Connection> RequestAsync(string nsmgrAddress, NetworkServiceRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var channel = channels.Rent(nsmgrAddress);
        var client = new NetworkService.NetworkServiceClient(channel.Channel);
        Connection answer;
        try
        {
            answer = await client.RequestAsync(request, Metadata(nsmgrAddress), Deadline(timeout), cancellationToken);
        }
        catch (Exception e) when (e is not NsmRequestFailedException)
        {
            throw Failed("Request", nameof(Connection), nsmgrAddress, request.Connection?.Id, e);
        }

        return RequireUsableAnswer(nsmgrAddress, request.Connection.Id, answer);
    }

    /// <summary>
    /// Everything a connection does later (restore, reselect, refresh, event matching) needs the answer's id and path.
    /// A malformed answer is reported as "Internal", which owes a Close: the NSMgr may hold the connection.
    /// </summary>
    private static Connection RequireUsableAnswer(string nsmgrAddress, string connectionId, Connection answer)
    {
        var problem = answer switch
        {
            { Id: var id } when id != connectionId => $"its id '{id}' is not the requested '{connectionId}'",
            { Path: null } or { Path.PathSegments.Count: 0 } => "it carries no path",
            { Path.PathSegments: var segments } when segments[0].Id != connectionId => $"its path segment 0 id '{segments[0].Id}' is not the connection id",
            _ => null,
        };
        return problem is null
            ? answer
            : throw new NsmRequestFailedException("Internal", $"Request for connection '{connectionId}' at NSMgr {nsmgrAddress} returned a malformed connection: {problem}");
    }

    public async Task CloseAsync(string nsmgrAddress, Connection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var channel = channels.Rent(nsmgrAddress);
        var client = new NetworkService.NetworkServiceClient(channel.Channel);
        try
        {
            await client.CloseAsync(connection, Metadata(nsmgrAddress), Deadline(timeout), cancellationToken);
        }
        catch (Exception e) when (e is not NsmRequestFailedException)
        {
            throw Failed("Close", "google.protobuf.Empty", nsmgrAddress, connection.Id, e);
        }
    }

    private Metadata? Metadata(string nsmgrAddress) => tokens.GetToken(nsmgrAddress) is { } token
        ? new Metadata
        {
            { "nsm-client-token", token.Value },
            // RFC 3339 with nanoseconds, as upstream writes it.
            { "nsm-client-token-expires", token.Expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", System.Globalization.CultureInfo.InvariantCulture) },
        }
        : null;

    // gRPC deadlines are wall-clock by protocol; the grain's (possibly fake) clock does not apply to the wire.
    private static DateTime Deadline(TimeSpan timeout) => DateTime.UtcNow + timeout;

    /// <summary>
    /// gRPC reports everything as <see cref="RpcException"/>; anything else (a bug, a cancelled token) still must not escape
    /// as another type, or a caller expecting <see cref="NsmRequestFailedException"/> would leave state half-done.
    /// </summary>
    private NsmRequestFailedException Failed(string call, string expectedAnswer, string nsmgrAddress, string? connectionId, Exception e)
    {
        var (status, cause) = e switch
        {
            RpcException rpc => NsmgrCallFailure.Describe(rpc, expectedAnswer, options.Value.MaxReceiveMessageBytes),
            OperationCanceledException => (StatusCode.Cancelled, $"{StatusCode.Cancelled}: {e.Message}"),
            _ => (StatusCode.Unknown, $"{StatusCode.Unknown}: {e.GetType().Name}: {e.Message}"),
        };
        return new NsmRequestFailedException(status.ToString(), $"{call} for connection '{connectionId}' at NSMgr {nsmgrAddress} failed: {cause}");
    }
}
