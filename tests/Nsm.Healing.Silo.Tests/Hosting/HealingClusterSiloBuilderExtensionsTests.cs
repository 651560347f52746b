using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Hosting;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Hosting;
using Orleans.Configuration;

namespace Nsm.Healing.Silo.Tests.Hosting;

public sealed class HealingClusterSiloBuilderExtensionsTests
{
    [Fact]
    public void Failure_detection_options_become_orleans_membership_options()
    {
        var silo = new TestSiloBuilder();
        silo.UseFailureDetection(new FailureDetectionOptions
        {
            ProbeTimeout = TimeSpan.FromSeconds(2),
            MissedProbesLimit = 4,
            VotesForDeathDeclaration = 3,
            DeathVoteExpirationTimeout = TimeSpan.FromSeconds(40),
            TableRefreshTimeout = TimeSpan.FromSeconds(7),
            IAmAlivePublishPeriod = TimeSpan.FromSeconds(8),
            MissedIAmAliveLimit = 5,
        });

        var membership = silo.Options<ClusterMembershipOptions>();

        Assert.Equal(TimeSpan.FromSeconds(2), membership.ProbeTimeout);
        Assert.Equal((4, 3, 5), (membership.NumMissedProbesLimit, membership.NumVotesForDeathDeclaration, membership.NumMissedTableIAmAliveLimit));
        Assert.Equal(TimeSpan.FromSeconds(40), membership.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), membership.TableRefreshTimeout);
        Assert.Equal(TimeSpan.FromSeconds(8), membership.IAmAliveTablePublishTimeout);
    }

    [Fact]
    public void A_backstop_shorter_than_orleans_minimum_reminder_period_lowers_that_minimum()
    {
        var silo = new TestSiloBuilder();
        silo.Services.Configure<ConnectionGrainOptions>(o => o.BackstopReminderPeriod = TimeSpan.FromSeconds(5));
        silo.AllowBackstopReminderPeriod();

        Assert.Equal(TimeSpan.FromSeconds(5), silo.Options<ReminderOptions>().MinimumReminderPeriod);
    }

    [Fact]
    public void The_production_backstop_keeps_orleans_minimum_reminder_period()
    {
        var silo = new TestSiloBuilder();
        silo.Services.Configure<ConnectionGrainOptions>(_ => { });
        silo.AllowBackstopReminderPeriod();

        Assert.Equal(TimeSpan.FromMinutes(1), silo.Options<ReminderOptions>().MinimumReminderPeriod);
    }
}
