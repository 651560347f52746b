using Nsm.Api;

namespace Nsm.Healing.Client.Tests;

/// <summary>NSM Connections as an NSC sees them: its own path segment first, its id the connection id.</summary>
internal static class TestConnections
{
    public static Connection Kernel(string id, params string[] destinations)
    {
        var connection = new Connection
        {
            Id = id,
            NetworkService = "my-service",
            Mechanism = new Mechanism { Cls = "LOCAL", Type = "KERNEL" },
            Context = new ConnectionContext { IpContext = new IPContext() },
            Path = new Nsm.Api.Path { Index = 0, PathSegments = { new PathSegment { Name = "nsc", Id = id } } },
        };
        connection.Context.IpContext.DstIpAddrs.Add(destinations);
        return connection;
    }
}
