using Nsm.Healing.Admission;
using Nsm.Healing.IntegrationTests.Support;

namespace Nsm.Healing.IntegrationTests;

/// <summary>The admission queue drains even when every permit in flight belongs to a holder that never comes back.</summary>
[Collection(FakeTimeClusterCollection.Name)]
public sealed class AdmissionQueueTests(FakeTimeClusterFixture fixture)
{
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(35);

    [Fact]
    public async Task Permits_reclaimed_from_vanished_holders_admit_the_queue()
    {
        var admission = fixture.Cluster.Client.GetGrain<IHealAdmissionGrain>($"tcp://vanished-holders-{Guid.NewGuid():N}:5001");
        var budget = (await admission.GetStatus()).Budget;
        for (var i = 0; i < budget; i++)
        {
            // A killed silo's reserves, heals whose Release was lost: none of these holders will ask or release again.
            Assert.True(await admission.TryReserve($"reserve/killed-silo/{i}"));
        }

        var queued = Enumerable.Range(0, 3).Select(i => $"queued-{i}").ToList();
        foreach (var holder in queued)
        {
            Assert.False((await admission.TryAdmit(holder, Attempt)).Admitted);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        // The queued heals' backstop: they ask again, in turn, and nothing else ever happens at this admission.
        var admitted = new List<bool>();
        foreach (var holder in queued)
        {
            admitted.Add((await admission.TryAdmit(holder, Attempt)).Admitted);
        }

        Assert.All(admitted, Assert.True);
        var status = await admission.GetStatus();
        Assert.Equal(0, status.Waiting);
        Assert.Equal(queued.Count, status.InUse);
    }
}
