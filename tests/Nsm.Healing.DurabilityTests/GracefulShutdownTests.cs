using System.Diagnostics;
using System.Net;
using Nsm.Healing.DurabilityTests.Support;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>SIGTERM, what Kubernetes sends on a rollout or scale-down: the silo hands its grains over and leaves.</summary>
[Trait("Category", "Slow")]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_leaves_the_cluster_at_once_and_the_connections_carry_on_unchanged_elsewhere()
    {
        await using var cluster = await DurableCluster.StartAsync(silos: 2, output);
        var ids = Connections.NewIds("sigterm", 40);
        var registered = await Connections.RegisterAsync(cluster.Client, cluster.NsmgrAddress, ids);
        var (leaving, staying) = (cluster.Silos[0], cluster.Silos[1]);

        var sinceSignal = Stopwatch.StartNew();
        leaving.Terminate();
        var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var exited = sinceSignal.Elapsed;
        // A graceful leave marks the silo dead in the membership table itself: nobody has to detect it.
        await cluster.WaitUntilDeclaredDeadAsync(leaving, TimeSpan.FromSeconds(2));
        var final = await Connections.WaitAllUpAsync(cluster.Client, ids, TimeSpan.FromSeconds(30));

        cluster.Note($"SIGTERM: exited {exitCode} after {exited.TotalSeconds:F1} s");
        Assert.Equal(0, exitCode);
        Assert.Equal(HttpStatusCode.OK, await staying.ProbeAsync("/healthz/ready"));
        RecoveryAssertions.HealedAndUnchanged(cluster.Simulator, registered, final, healing: []);
    }
}
