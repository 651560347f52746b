using Microsoft.Extensions.Options;
using Nsm.Healing.Hosting;
using Nsm.Healing.Silo.Configuration;
using Orleans.Configuration;

namespace Nsm.Healing.Silo.Hosting;

public static class HealingClusterSiloBuilderExtensions
{
    /// <summary>Clustering, grain storage and reminders of the configured profile.</summary>
    public static ISiloBuilder UseClusterProfile(this ISiloBuilder silo, HealingSiloOptions options) => options.Profile switch
    {
        ClusterProfile.Development => silo.UseDevelopmentCluster(options),
        ClusterProfile.Redis => silo.UseRedisCluster(options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Profile, "unknown cluster profile"),
    };

    /// <summary>Membership timeouts from <see cref="FailureDetectionOptions"/>: a dead silo is declared dead in seconds.</summary>
    public static ISiloBuilder UseFailureDetection(this ISiloBuilder silo, FailureDetectionOptions detection) =>
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = detection.ProbeTimeout;
            membership.NumMissedProbesLimit = detection.MissedProbesLimit;
            membership.NumVotesForDeathDeclaration = detection.VotesForDeathDeclaration;
            membership.DeathVoteExpirationTimeout = detection.DeathVoteExpirationTimeout;
            membership.TableRefreshTimeout = detection.TableRefreshTimeout;
            membership.IAmAliveTablePublishTimeout = detection.IAmAlivePublishPeriod;
            membership.NumMissedTableIAmAliveLimit = detection.MissedIAmAliveLimit;
        });

    /// <summary>
    /// Orleans refuses reminder periods below ReminderOptions.MinimumReminderPeriod (1 min). A shorter heal
    /// backstop (tests; operators who want faster resumption) lowers that floor to the backstop period.
    /// </summary>
    public static ISiloBuilder AllowBackstopReminderPeriod(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<ConnectionGrainOptions>>((reminders, connections) =>
        {
            var backstop = connections.Value.BackstopReminderPeriod;
            if (backstop > TimeSpan.Zero && backstop < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = backstop;
            }
        });
        return silo;
    }
}
