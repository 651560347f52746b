using Nsm.Api;

namespace Nsm.Simulator.Tests.Support;

/// <summary>Requests the way an upstream NSC builds them: first request, restore/refresh, reselect.</summary>
internal static class NscRequests
{
    /// <summary>Not KERNEL: these tests dial over TCP, where no namespace can travel (NamespaceReceivingTests do KERNEL).</summary>
    public static Mechanism Memif { get; } = new() { Cls = "LOCAL", Type = "MEMIF" };

    public static NetworkServiceRequest New(string connectionId, string networkService = "ns-1", string? endpoint = null, string nsc = "nsc-1")
    {
        var connection = new Connection
        {
            Id = connectionId,
            NetworkService = networkService,
            NetworkServiceEndpointName = endpoint ?? string.Empty,
            Path = new Path { Index = 0, PathSegments = { new PathSegment { Name = nsc, Id = connectionId } } },
        };
        return new NetworkServiceRequest { Connection = connection, MechanismPreferences = { Memif } };
    }

    /// <summary>Re-sends the last successful request unchanged: same endpoint, same path.</summary>
    public static NetworkServiceRequest Restore(Connection last) =>
        new() { Connection = last.Clone(), MechanismPreferences = { Memif } };

    /// <summary>Upstream's reselect: mechanism and endpoint cleared, RESELECT_REQUESTED, the rest kept.</summary>
    public static NetworkServiceRequest Reselect(Connection last)
    {
        var connection = last.Clone();
        connection.Mechanism = null;
        connection.NetworkServiceEndpointName = string.Empty;
        connection.State = State.ReselectRequested;
        return new NetworkServiceRequest { Connection = connection, MechanismPreferences = { Memif } };
    }
}
