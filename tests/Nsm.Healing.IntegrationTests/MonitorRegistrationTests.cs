using Nsm.Healing.Admission;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Topology;
using Orleans.Core.Internal;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// An NSMgr's monitor grain against a storage that fails on demand, and across activations (epochs): registrations are
/// never held in memory only, a retry completes what a failure left undone, a stream loss outlives the loop and the
/// activation that saw it, and a membership change wakes each connection once however many silos report it.
/// </summary>
public sealed class MonitorRegistrationTests : IAsyncLifetime
{
    private HealingCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await HealingCluster.StartAsync(silos: 1, faultyStorage: true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_register_whose_write_failed_is_not_held_and_its_retry_stores_lists_and_streams()
    {
        await using var scenario = await NscScenario.StartAsync(_cluster, SimulatorTopology.Default(nodes: 1));
        var address = scenario.Simulator.NsmgrAddress("nsmgr-1");
        var monitor = _cluster.Monitor(address);
        var id = NscScenario.NewId("register-write-fails");
        _cluster.StorageOf().FailWrites((state, grain) => state.StartsWith("monitor-registrations-", StringComparison.Ordinal) && grain.Key.ToString() == address);

        await Assert.ThrowsAnyAsync<Exception>(() => monitor.Register(id));

        Assert.Empty(await monitor.GetConnectionIds());
        Assert.Equal(0, (await monitor.GetStatus()).RegisteredConnections);

        _cluster.StorageOf().FailWrites(null);
        await monitor.Register(id);

        await Eventually.True(async () => (await monitor.GetStatus()).StreamConnected, "the stream to the NSMgr");
        Assert.Contains(address, await Directory.List());
        var epoch = (await monitor.GetStatus()).Epoch;
        await Reactivate(monitor, epoch);
        Assert.Equal([id], await monitor.GetConnectionIds());
        await monitor.Unregister(id);
    }

    [Fact]
    public async Task A_directory_entry_lost_to_a_failed_write_is_repaired_by_the_retried_register()
    {
        var address = $"tcp://directory-write-fails-{Guid.NewGuid():N}:5001";
        var monitor = _cluster.Monitor(address);
        var id = NscScenario.NewId("directory-write-fails");
        _cluster.StorageOf().FailWrites((state, _) => state == "monitor-directory");

        await Assert.ThrowsAnyAsync<Exception>(() => monitor.Register(id));
        _cluster.StorageOf().FailWrites(null);
        await monitor.Register(id);

        // What the directory stored, not what one activation of it holds in memory.
        await Directory.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => (await Directory.List()).Contains(address), $"{address} stored in the directory");
        await monitor.Unregister(id);
    }

    [Fact]
    public async Task A_loss_reported_by_one_epoch_makes_the_next_epochs_first_snapshot_announce_the_nsmgr_back()
    {
        // No registration, so no real stream runs: this test plays the stream loops of two epochs.
        var address = $"tcp://loss-across-epochs-{Guid.NewGuid():N}:5001";
        var monitor = _cluster.Monitor(address);
        var admission = _cluster.Client.GetGrain<IHealAdmissionGrain>(address);
        var first = (await monitor.GetStatus()).Epoch;
        Assert.True(await monitor.OnStreamLost(first, "the NSMgr went away"));
        var initialBudget = (await admission.GetStatus()).Budget;
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await admission.TryAdmit($"served-{i}", TimeSpan.FromSeconds(35))).Admitted);
            await admission.Release($"served-{i}", nsmgrAnswered: true);
        }

        await Eventually.True(async () => (await admission.GetStatus()).Budget == initialBudget + 4, "the budget to grow");

        var second = await Reactivate(monitor, first);
        Assert.True((await monitor.GetStatus()).LossOutstanding);
        // The new epoch's loop never saw the loss: it says afterLoss false.
        Assert.True(await monitor.OnStreamSnapshot(second, [], afterLoss: false, DateTimeOffset.UtcNow));

        // The NSMgr is announced back: admission starts slow again (and healing connections retry at once).
        await Eventually.True(async () => (await admission.GetStatus()).Budget == initialBudget, "admission to restart slow");
        Assert.False((await monitor.GetStatus()).LossOutstanding);
    }

    [Fact]
    public async Task Every_silo_reporting_the_same_membership_change_wakes_the_connections_once()
    {
        var monitor = _cluster.Monitor($"tcp://wake-once-{Guid.NewGuid():N}:5001");
        await monitor.GetStatus();

        foreach (var _ in Enumerable.Range(0, 3))
        {
            await monitor.WakeConnections(membershipVersion: 7);
        }

        await Eventually.True(async () => (await monitor.GetStatus()).WakeBroadcasts >= 1, "a wake for membership version 7");
        await monitor.WakeConnections(membershipVersion: 8);
        await Eventually.True(async () => (await monitor.GetStatus()).WakeBroadcasts >= 2, "a wake for membership version 8");

        // One-way calls may arrive in any order: a late report of version 7 is older than 8 and wakes nobody either.
        Assert.Equal(2, (await monitor.GetStatus()).WakeBroadcasts);
    }

    private IMonitorDirectoryGrain Directory => _cluster.Client.GetGrain<IMonitorDirectoryGrain>(0);

    /// <summary>Deactivates the monitor grain and waits for its next activation (a new epoch), as after a failover.</summary>
    private static async Task<long> Reactivate(INsmgrMonitorGrain monitor, long epoch)
    {
        await monitor.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        long next = epoch;
        await Eventually.True(async () => (next = (await monitor.GetStatus()).Epoch) > epoch, "a new activation of the monitor grain");
        return next;
    }
}
