using Grpc.Core;
using Nsm.Api;

namespace Nsm.Healing.Nsmgr;

/// <summary>Calls <c>networkservice.NetworkService</c> on an NSMgr over a pooled channel, with a per-call deadline.</summary>
public sealed class NsmgrClient(NsmgrChannelPool channels, INsmTokenProvider tokens) : INsmgrClient
{
    public async Task<Connection> RequestAsync(string nsmgrAddress, NetworkServiceRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new NetworkService.NetworkServiceClient(channels.Get(nsmgrAddress));
        Connection answer;
        try
        {
            answer = await client.RequestAsync(request, Metadata(nsmgrAddress), Deadline(timeout), cancellationToken);
        }
        catch (RpcException e)
        {
            throw Failed("Request", nsmgrAddress, request.Connection?.Id, e);
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
        var client = new NetworkService.NetworkServiceClient(channels.Get(nsmgrAddress));
        try
        {
            await client.CloseAsync(connection, Metadata(nsmgrAddress), Deadline(timeout), cancellationToken);
        }
        catch (RpcException e)
        {
            throw Failed("Close", nsmgrAddress, connection.Id, e);
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

    private static NsmRequestFailedException Failed(string call, string nsmgrAddress, string? connectionId, RpcException e) =>
        new(e.StatusCode.ToString(), $"{call} for connection '{connectionId}' at NSMgr {nsmgrAddress} failed: {e.StatusCode}: {e.Status.Detail}");
}
