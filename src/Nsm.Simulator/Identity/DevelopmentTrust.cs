using System.IO;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>
/// One trust domain per process for tests, the demo and the benchmarks: a <see cref="SpiffeAuthority"/> and a fake
/// Workload API serving the healing service's SVID (short-lived, rotated at half its lifetime), started on first use.
/// Every simulator that is not told otherwise serves mTLS from this authority, so security is on by default.
/// </summary>
public static class DevelopmentTrust
{
    /// <summary>The SVID lifetime the development Workload API hands out (SPIRE's default is one hour).</summary>
    public static readonly TimeSpan SvidLifetime = TimeSpan.FromMinutes(10);

    private static readonly Lazy<SpiffeAuthority> SharedAuthority = new(() => new SpiffeAuthority());

    private static readonly Lazy<FakeWorkloadApi> SharedWorkloadApi = new(() => FakeWorkloadApi.StartAsync(
        Authority, NewSocketPath(), Authority.IdOf("/nsm-healing"), SvidLifetime, rotateEvery: SvidLifetime / 2).GetAwaiter().GetResult());

    public static SpiffeAuthority Authority => SharedAuthority.Value;

    /// <summary>The running Workload API for the healing service's silos.</summary>
    public static FakeWorkloadApi WorkloadApi => SharedWorkloadApi.Value;

    /// <summary>The socket path to configure as Nsm:Identity:WorkloadApiSocket (or SPIFFE_ENDPOINT_SOCKET, with unix://).</summary>
    public static string WorkloadApiSocket => WorkloadApi.SocketPath;

    /// <summary>A fresh socket path in a private temporary folder (unix socket paths must stay under ~100 bytes).</summary>
    public static string NewSocketPath()
    {
        var folder = Directory.CreateTempSubdirectory("nsm-spiffe-");
        return Path.Combine(folder.FullName, "agent.sock");
    }
}
