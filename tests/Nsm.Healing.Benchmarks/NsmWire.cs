using Grpc.Net.Client;
using Nsm.Api;

namespace Nsm.Healing.Benchmarks;

/// <summary>The NSC-side gRPC plumbing the baseline clients share: one h2c channel per NSMgr, and the first request.</summary>
public static class NsmWire
{
    public static GrpcChannel Channel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        // A snapshot of 10k connections is ~5 MB, over gRPC's 4 MB default (docs/simulator.md).
        MaxReceiveMessageSize = null,
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    });

    /// <summary>A first request; <paramref name="withPath"/> adds the NSC's own segment 0, as an NSC sends it (the grain adds it itself).</summary>
    /// <param name="endpoint">An NSE to ask for by name; by default the simulator picks (always the same one).</param>
    public static NetworkServiceRequest NewRequest(string id, bool withPath = false, string endpoint = "") => new()
    {
        Connection = new Connection
        {
            Id = id,
            NetworkServiceEndpointName = endpoint,
            Path = withPath ? new Api.Path { Index = 0, PathSegments = { new PathSegment { Name = "nsc-bench", Id = id } } } : null,
            NetworkService = "ns-1",
            Payload = "ETHERNET",
            Labels = { ["app"] = "nsc-bench" },
        },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "KERNEL" } },
    };
}
