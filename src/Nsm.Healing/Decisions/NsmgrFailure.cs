namespace Nsm.Healing.Decisions;

/// <summary>Reads a failed call's gRPC status the way healing needs it.</summary>
public static class NsmgrFailure
{
    /// <summary>
    /// True when the NSMgr did not answer about the request (down, restarting, too slow, overloaded):
    /// control plane trouble, which says nothing about the endpoint. False when it answered with an error
    /// about the request itself. An overloaded NSMgr in a heal storm must not push connections to reselect.
    /// </summary>
    public static bool IsUnreachable(string statusCode) =>
        statusCode is "Unavailable" or "DeadlineExceeded" or "Cancelled" or "ResourceExhausted";

    /// <summary>
    /// True when the call failed on identity, ours or the NSMgr's view of it: the NSMgr refused our token or certificate
    /// (PermissionDenied), or we could not authenticate at all (Unauthenticated: no valid SVID, Workload API down, a TLS
    /// handshake refused, an answer that fails the token check). It says nothing about the endpoint or the data plane.
    /// </summary>
    public static bool IsIdentityFailure(string statusCode) => statusCode is "PermissionDenied" or "Unauthenticated";

    /// <summary>
    /// True when a Request may have taken effect at the NSMgr although we saw an error, so a Close is owed
    /// to leave no orphan connection behind. ResourceExhausted is among them: it is what a GOAWAY ENHANCE_YOUR_CALM
    /// (a grpc-go server closing the connection) and an answer over our receive limit look like, and in both the
    /// NSMgr may hold the connection.
    /// </summary>
    public static bool MayHaveTakenEffect(string statusCode) =>
        statusCode is "DeadlineExceeded" or "Cancelled" or "Unknown" or "Internal" or "Aborted" or "Unavailable" or "ResourceExhausted";
}
