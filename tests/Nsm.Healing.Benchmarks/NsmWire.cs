using Nsm.Simulator.Identity;
using Nsm.Api;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// The NSC-side gRPC plumbing the baseline clients share: one channel per NSMgr (mTLS with an SVID and a signed token
/// per call when the simulator is secure, as upstream NSCs do, h2c when not), and the first request.
/// </summary>
public static class NsmWire
{
    public static SecureNscChannel Channel(string address) => SecureNscChannel.Create(address);

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
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } }, // over TCP: no namespace can travel
    };
}
