namespace Nsm.Healing.Client;

/// <summary>
/// States the NSC's node for a connection through a unix-socket NSMgr, which exists only on that node: NODE_NAME unless
/// the caller named one. A TCP NSMgr can be reached from any silo, so nothing is stated for it.
/// </summary>
internal static class OwnNode
{
    /// <summary>Request context key the silos' placement reads (the grain's stored state does not name the node yet).</summary>
    private const string RequestContextKey = "nsm.node";

    public static ConnectionRequest Stated(ConnectionRequest request) =>
        string.IsNullOrEmpty(request.NodeName)
        && request.NsmgrAddress.StartsWith("unix:", StringComparison.Ordinal)
        && Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node
            ? request with { NodeName = node }
            : request;

    /// <summary>Starts <paramref name="call"/> with the node in the request context, so the grain activates on that node's silo.</summary>
    public static Task<T> Placed<T>(ConnectionRequest request, Func<Task<T>> call)
    {
        if (string.IsNullOrEmpty(request.NodeName))
        {
            return call();
        }

        RequestContext.Set(RequestContextKey, request.NodeName);
        try
        {
            return call();
        }
        finally
        {
            RequestContext.Remove(RequestContextKey);
        }
    }
}
