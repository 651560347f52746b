using System.IO;
using Nsm.Api;
using Nsm.Netns;
using Nsm.Simulator;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Benchmarks;

/// <summary>A heal over the node's unix socket with the NSC's namespace passed, beside the same heal without one.</summary>
public sealed record NamespaceHealResult(string Heal, Distribution WithoutNamespace, Distribution WithNamespace)
{
    public double RatioP50 => WithNamespace.P50Ms / WithoutNamespace.P50Ms;
}

/// <summary>
/// Single-heal latency (forwarder kill → the heal Request at the NSMgr, as <see cref="SingleHealBenchmark"/> times it) for
/// a grain on a unix-socket NSMgr: a MEMIF connection, and a KERNEL one whose namespace (this process's, by inode) travels
/// as SCM_RIGHTS below the mTLS on every call. The namespace is resolved once per activation, so the two should be alike.
/// </summary>
public static class NamespaceHealBenchmark
{
    private const string Nsmgr = "nsmgr-1";
    private const int WarmupRounds = 3;

    public static async Task<NamespaceHealResult> RunAsync(BenchCluster cluster, HealDecision heal, int samples, TextWriter log)
    {
        var socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-bench-{Guid.NewGuid():N}.sock");
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", Nsmgr, node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", "ns-1").AddNse("nse-1b", "ns-1").WithUnixSocket(socket))
            .Build();
        await using var sim = await NsmSimulator.StartAsync(topology);
        var own = NamespaceInode.OfPath("/proc/self/ns/net").ToUrl();
        var without = new List<double>();
        var with = new List<double>();
        for (var round = 0; round < WarmupRounds + samples; round++)
        {
            // Alternate which goes first, so neither always follows the other.
            foreach (var kernel in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var ms = await Sample(sim, cluster, $"unix://{socket}", heal, kernel ? own : null, $"netns-{heal}-{round}-{kernel}-{Guid.NewGuid():N}");
                if (round >= WarmupRounds)
                {
                    (kernel ? with : without).Add(ms);
                }
            }
        }

        var result = new NamespaceHealResult(heal.ToString(), Distribution.Of(without), Distribution.Of(with));
        log.WriteLine($"  {heal} over a unix socket: p50 {result.WithoutNamespace.P50Ms:0.00} ms without a namespace, {result.WithNamespace.P50Ms:0.00} ms with one (x{result.RatioP50:0.00})");
        return result;
    }

    private static async Task<double> Sample(NsmSimulator sim, BenchCluster cluster, string address, HealDecision heal, string? inodeUrl, string id)
    {
        var request = NsmWire.NewRequest(id);
        if (inodeUrl is not null)
        {
            request.MechanismPreferences.Clear();
            request.MechanismPreferences.Add(new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = inodeUrl } });
        }

        var (ms, _) = await SingleHealBenchmark.OursHealOnceAsync(sim, cluster, address, request, heal);
        if (inodeUrl is not null && sim.Records.Namespaces(id).Any(r => r.Namespace is null))
        {
            throw new InvalidOperationException($"a call of {id} reached the NSMgr without the namespace: the variant measured nothing");
        }

        return ms;
    }
}
