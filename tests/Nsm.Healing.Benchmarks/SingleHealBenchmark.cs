using System.IO;
using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Requests;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Benchmarks;

/// <summary>Latency of one variant's heals, and what the heal was.</summary>
public sealed record VariantLatency(string Variant, string Description, Distribution Latency);

/// <summary>One heal kind (restore or reselect) measured for the three variants side by side.</summary>
public sealed record SingleHealResult(string Heal, string Fault, IReadOnlyList<VariantLatency> Variants)
{
    public double RatioP50(string over) =>
        Variants.Single(v => v.Variant == "c").Latency.P50Ms / Variants.Single(v => v.Variant == over).Latency.P50Ms;
}

/// <summary>
/// Single-heal latency: a forwarder on the connection's path is killed, the simulator sends UPDATE state=DOWN, and we
/// time from just before the kill to the simulator's RequestRecord timestamp of the heal Request (stamped when the
/// NSMgr has handled it). The same clock and the same method for all three variants; rounds interleave the variants.
/// </summary>
public static class SingleHealBenchmark
{
    private const string Nsmgr = "nsmgr-1";
    private const int WarmupRounds = 3;

    /// <param name="cluster">Its identity must match <paramref name="secure"/>: SVIDs when on, Nsm:Identity:Source=None when off.</param>
    /// <param name="secure">mTLS and signed tokens for all three variants (the default), or h2c without tokens, to price signing.</param>
    public static async Task<SingleHealResult> RunAsync(BenchCluster cluster, HealDecision heal, int samples, TextWriter log, bool secure = true)
    {
        var topology = SimulatorTopology.Default(nodes: 1, forwardersPerNode: 2, nsesPerNode: 2);
        var security = secure ? null : SimulatorSecurity.Plaintext;
        await using var floorSim = await NsmSimulator.StartAsync(topology, security: security);
        await using var upstreamSim = await NsmSimulator.StartAsync(topology, security: security);
        await using var oursSim = await NsmSimulator.StartAsync(topology, security: security);
        using var floorChannel = NsmWire.Channel(floorSim.NsmgrAddress(Nsmgr));
        using var upstreamChannel = NsmWire.Channel(upstreamSim.NsmgrAddress(Nsmgr));
        await using var floor = await FloorHealer.StartAsync(floorChannel.CallInvoker);
        var anchor = await AnchorTheMonitorStreamAsync(cluster, oursSim.NsmgrAddress(Nsmgr));

        // Where c's time goes: fault → the grain started the heal (HealRecord.StartedAt, same system clock).
        var oursDecided = new List<double>();
        var variants = new (string Name, Func<int, Task<double>> Sample)[]
        {
            ("a", i => FloorSample(floorSim, floorChannel.CallInvoker, floor, heal, $"floor-{heal}-{i}")),
            ("b", i => UpstreamSample(upstreamSim, upstreamChannel.CallInvoker, heal, $"upstream-{heal}-{i}")),
            ("c", i => OursSample(oursSim, cluster, heal, $"ours-{heal}-{i}-{Guid.NewGuid():N}", oursDecided)),
        };
        var results = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (var round = 0; round < WarmupRounds + samples; round++)
        {
            // Rotate the order each round so no variant always runs right after another.
            for (var k = 0; k < variants.Length; k++)
            {
                var (name, sample) = variants[(round + k) % variants.Length];
                var ms = await sample(round);
                if (round >= WarmupRounds)
                {
                    results[name].Add(ms);
                }
                else if (name == "c")
                {
                    oursDecided.RemoveAt(oursDecided.Count - 1);
                }
            }
        }

        await anchor.Close();
        log.WriteLine($"  {heal}{(secure ? "" : " (security off)")}: a p50 {Distribution.Of(results["a"]).P50Ms:0.00} ms, b p50 {Distribution.Of(results["b"]).P50Ms:0.00} ms, c p50 {Distribution.Of(results["c"]).P50Ms:0.00} ms");
        var request = heal == HealDecision.Restore ? "one Request (restore: same endpoint)" : "one Request (RESELECT_REQUESTED, no Close)";
        return new SingleHealResult(secure ? heal.ToString() : $"{heal} (security off)", "forwarder kill → UPDATE state=DOWN", [
            new VariantLatency("a", $"floor: one shared monitor stream, {request}", Distribution.Of(results["a"])),
            new VariantLatency("b", heal == HealDecision.Restore
                ? "upstream-style: stream per connection, restore on DOWN"
                : "upstream-style: stream per connection, Close then reselect Request", Distribution.Of(results["b"])),
            new VariantLatency("c", heal == HealDecision.Restore
                ? "Nsm.Orleans grain, OnDownWithUnknownDataPlane=Restore"
                : "Nsm.Orleans grain, default policy (Close then reselect Request)", Distribution.Of(results["c"])),
            new VariantLatency("c: to grain", "of c: fault → the grain started the heal (HealRecord.StartedAt); the rest is inside the grain", Distribution.Of(oursDecided)),
        ]);
    }

    private static async Task<double> FloorSample(NsmSimulator sim, CallInvoker channel, FloorHealer floor, HealDecision heal, string id)
    {
        var nsmgr = new NetworkService.NetworkServiceClient(channel);
        var request = NsmWire.NewRequest(id, withPath: true);
        var lastGood = HealRequests.WithAnswer(request, await nsmgr.RequestAsync(request));
        var healed = floor.Arm(id, heal == HealDecision.Restore ? HealRequests.Restore(lastGood) : HealRequests.Reselect(lastGood));
        var forwarder = sim.WiringOf(id)!.Forwarders[0];
        var ms = await TimeFaultToRequest(sim, id, () => sim.Faults.KillForwarder(forwarder));
        var answer = await healed.WaitAsync(TimeSpan.FromSeconds(20));
        await nsmgr.CloseAsync(HealRequests.ForClose(answer));
        sim.Faults.RestartForwarder(forwarder);
        return ms;
    }

    private static async Task<double> UpstreamSample(NsmSimulator sim, CallInvoker channel, HealDecision heal, string id)
    {
        await using var client = await UpstreamStyleClient.ConnectAsync(channel, id, heal, TimeSpan.FromMilliseconds(200));
        await client.StreamOpen.WaitAsync(TimeSpan.FromSeconds(20));
        var healed = client.NextHeal;
        var forwarder = sim.WiringOf(id)!.Forwarders[0];
        var ms = await TimeFaultToRequest(sim, id, () => sim.Faults.KillForwarder(forwarder));
        await healed.WaitAsync(TimeSpan.FromSeconds(20));
        sim.Faults.RestartForwarder(forwarder);
        return ms;
    }

    /// <summary>
    /// A paused connection that keeps our one monitor stream to the NSMgr open for the whole run, as the many connections
    /// behind a real NSMgr do (the floor's shared stream stays open too). Without it the stream would stop at each
    /// sample's Close and start again with the next sample's connection, which no NSMgr in production sees. Paused, it
    /// ignores the faults the samples inject.
    /// </summary>
    private static async Task<IConnectionGrain> AnchorTheMonitorStreamAsync(BenchCluster cluster, string address)
    {
        var anchor = cluster.Connection($"ours-anchor-{Guid.NewGuid():N}");
        await anchor.Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(anchor.GetPrimaryKeyString()), ClientName = "nsc-bench" });
        await anchor.Pause("keeps the benchmark's monitor stream open");
        return anchor;
    }

    private static async Task<double> OursSample(NsmSimulator sim, BenchCluster cluster, HealDecision heal, string id, List<double> decided)
    {
        var (toRequest, toGrain) = await OursHealOnceAsync(sim, cluster, sim.NsmgrAddress(Nsmgr), NsmWire.NewRequest(id), heal);
        decided.Add(toGrain);
        return toRequest;
    }

    /// <summary>
    /// One heal of a new grain connection: requests it, waits until the one monitor stream holds it, kills its forwarder
    /// and times the fault to the heal Request (and to the grain starting the heal); then closes it and restarts the forwarder.
    /// </summary>
    internal static async Task<(double ToRequestMs, double ToGrainMs)> OursHealOnceAsync(
        NsmSimulator sim, BenchCluster cluster, string address, NetworkServiceRequest request, HealDecision heal)
    {
        var id = request.Connection.Id;
        var grain = cluster.Connection(id);
        await grain.Request(new ConnectionRequest
        {
            NsmgrAddress = address,
            Request = request,
            ClientName = "nsc-bench",
            Policy = HealPolicy.Default with { OnDownWithUnknownDataPlane = heal },
        });
        // It is registered, and the one stream is reading: the DOWN will reach the grain.
        await Eventually.True(async () =>
            {
                var monitor = cluster.Monitor(address);
                return (await monitor.GetStatus()).StreamConnected && (await monitor.GetConnectionIds()).Contains(id) && sim.Records.OpenMonitorStreams(Nsmgr) == 1;
            }, $"the monitor stream to {Nsmgr} with {id} registered", TimeSpan.FromSeconds(30), poll: TimeSpan.FromMilliseconds(5));
        var forwarder = sim.WiringOf(id)!.Forwarders[0];
        var faultAt = TimeProvider.System.GetUtcNow();
        var ms = await TimeFaultToRequest(sim, id, () => sim.Faults.KillForwarder(forwarder));
        await Eventually.True(async () => await grain.GetState() is { Phase: ConnectionPhase.Up, History.Count: > 0 },
            $"{id} to be Up after its heal", TimeSpan.FromSeconds(20), poll: TimeSpan.FromMilliseconds(5));
        var toGrain = ((await grain.GetState()).History[0].StartedAt - faultAt).TotalMilliseconds;
        await grain.Close();
        sim.Faults.RestartForwarder(forwarder);
        return (ms, toGrain);
    }

    /// <summary>Milliseconds from just before <paramref name="fault"/> to the timestamp of the next Request recorded for <paramref name="id"/>.</summary>
    private static async Task<double> TimeFaultToRequest(NsmSimulator sim, string id, Action fault)
    {
        var before = sim.Records.Requests(id).Count;
        var start = TimeProvider.System.GetUtcNow();
        fault();
        await Eventually.True(() => sim.Records.Requests(id).Count > before, $"a heal Request for {id}", TimeSpan.FromSeconds(20), poll: TimeSpan.FromMilliseconds(1));
        return (sim.Records.Requests(id)[before].Timestamp - start).TotalMilliseconds;
    }
}
