using System.Diagnostics;
using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Cli.Demo.Scenarios;
using Nsm.Simulator;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Identity;
using System.IO;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo from start to summary: simulator, silo processes, NSCs, the scenarios in order, then the table. Whatever
/// happens (a failure, Ctrl-C) every child process is stopped before it returns.
/// </summary>
public sealed class DemoRunner(CliEnvironment environment, DemoSettings settings)
{
    private readonly TextWriter _output = environment.Output;

    public async Task<int> RunAsync(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var (profile, redisServer) = ResolveProfile();
        Say($"nsm-heal demo: {settings.Connections} connections on 2 nodes, each node with its NSMgr on a unix socket and its own silo process, on the {profile} profile");
        if (profile == DemoProfile.Development)
        {
            Say("  state lives in silo memory on this profile: a killed silo's connections would be lost (see the silo-kill scenario)");
        }

        var run = Guid.NewGuid().ToString("N")[..8];
        // Made before the silos start and gone after they stop, so no silo sees an NSC's namespace vanish and closes its connection.
        await using var namespaces = await NscNamespaces.CreateAsync(DemoNscs.IdsFor(settings.Connections), cancellation);
        // Real vWires (veth pairs into each NSC's namespace) when the NSCs have namespaces and the kernel lets us; else modelled.
        var dataPlane = namespaces.Unavailable is null ? DataPlaneMode.Auto : DataPlaneMode.Model;
        await using var simulator = await NsmSimulator.StartAsync(DemoTopology.Create(run), cancellationToken: cancellation, dataPlane: dataPlane);
        Say($"  simulator: {string.Join(", ", DemoTopology.Nodes.Select(n => $"{n.Node} {n.Nsmgr} {DemoNscs.AddressOf(simulator, n.Nsmgr)}"))}, control {simulator.ControlUrl}");
        Say($"  identity: mTLS and signed tokens, silos' SVIDs from the SPIFFE Workload API at {DevelopmentTrust.WorkloadApi.Endpoint} (trust domain {DevelopmentTrust.Authority.TrustDomain})");
        Say(namespaces.Unavailable is { } why
            ? $"  network namespaces: {why}; the NSCs request MEMIF instead, so no namespace travels in this run"
            : $"  network namespaces: one per NSC (unshare --net), each stated as inode://dev/ino on a KERNEL mechanism and passed to the NSMgr as a descriptor on every Request and Close");
        Say($"  data plane: {simulator.DataPlane.Description}; liveness {(simulator.DataPlane.Mode == DataPlaneMode.Kernel ? "by ICMP echo from inside each NSC's namespace" : "asked of the simulator")}");
        await using var cluster = await DemoCluster.StartAsync(profile, redisServer, settings.SiloAssembly, environment.Connector, cancellation);
        Say($"  cluster '{cluster.ClusterId}': {string.Join(", ", cluster.Silos.Select(s => $"{s.Name} on {cluster.NodeOf(s)} (pid {s.Pid}, gateway {s.Ports.Gateway})"))} ready after {clock.Elapsed.TotalSeconds:F1} s");
        await using var nscs = await DemoNscs.StartAsync(simulator, cluster.Grains, namespaces, settings.Connections, cancellation);
        Say($"  {settings.Connections} connections Up, each served by its node's silo, each with a liveness reporter; operate them with: nsm-heal list {OperatorHint(cluster)}");

        var view = new LiveView(_output, environment.TerminalWidth);
        var board = new ConnectionBoard(cluster.Grains, nscs.Ids, view);
        using var stopBoard = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var polling = board.RunAsync(stopBoard.Token);
        var world = new DemoWorld(simulator, cluster, nscs, namespaces, board, view, settings.ScenarioTimeout);
        var results = new List<ScenarioResult>();
        try
        {
            foreach (var (scenario, number) in settings.Scenarios.Select((s, i) => (s, i + 1)))
            {
                results.Add(await RunScenarioAsync(world, scenario, number, cancellation));
            }
        }
        finally
        {
            await stopBoard.CancelAsync();
            await polling.ContinueWith(_ => { }, TaskScheduler.Default);
            view.Close();
        }

        SummaryTable.Write(_output, results);
        var tally = namespaces.Unavailable is null ? NamespaceTally.Count(simulator, nscs, namespaces) : null;
        WriteNamespaces(tally);
        var passed = results.All(result => result.Passed || result.Skipped is not null) && tally?.Passed != false;
        Say($"{(passed ? "every connection ended as the seed says" : "some connections did not end as the seed says")} ({clock.Elapsed.TotalSeconds:F1} s)");
        return passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private async Task<ScenarioResult> RunScenarioAsync(DemoWorld world, DemoScenario scenario, int number, CancellationToken cancellation)
    {
        world.View.Note($"== {number}/{settings.Scenarios.Count} {scenario.Name}: {scenario.Title}");
        if (scenario.CannotRunOn(world.Cluster) is { } reason)
        {
            world.View.Note($"   skipped: {reason}");
            return new ScenarioResult { Name = scenario.Name, Expectation = scenario.Expectation, Skipped = reason };
        }

        var clock = Stopwatch.StartNew();
        var result = await scenario.RunAsync(world, cancellation);
        world.View.Note($"   {(result.Passed ? "PASS" : "FAIL")} in {clock.Elapsed.TotalSeconds:F1} s: {result.Heals} heal(s), {result.Restores} restore, {result.Reselects} reselect");
        return result;
    }

    private void WriteNamespaces(NamespaceTally? tally)
    {
        if (tally is null)
        {
            Say("namespaces: none passed in this run (MEMIF; why: at the start)");
            return;
        }

        Say(tally.Passed
            ? $"namespaces: every Request ({tally.Requests}: first, heals, refreshes) and Close ({tally.Closes}) the NSMgrs got for the {tally.Connections} connections carried its NSC's namespace — met"
            : $"namespaces: not every call carried its NSC's namespace — NOT met");
        foreach (var failure in tally.Failures)
        {
            Say($"  - {failure}");
        }
    }

    private (DemoProfile Profile, string? RedisServer) ResolveProfile()
    {
        var redisServer = RedisServer.FindServer();
        return settings.Profile switch
        {
            DemoProfile.Redis when redisServer is null => throw CliException.Usage("--profile redis needs redis-server on PATH (e.g. apt-get install -y redis-server)"),
            DemoProfile.Redis => (DemoProfile.Redis, redisServer),
            DemoProfile.Auto when redisServer is not null => (DemoProfile.Redis, redisServer),
            _ => (DemoProfile.Development, null),
        };
    }

    private static string OperatorHint(DemoCluster cluster) => cluster.Profile == DemoProfile.Redis
        ? $"--profile redis --redis {cluster.RedisConnectionString} --cluster-id {cluster.ClusterId} --service-id {cluster.ClusterId}"
        : $"--gateway-port {cluster.Silos[0].Ports.Gateway} --cluster-id {cluster.ClusterId} --service-id {cluster.ClusterId}";

    private void Say(string line) => _output.WriteLine(line);
}
