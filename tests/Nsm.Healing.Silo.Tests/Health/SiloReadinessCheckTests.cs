using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.Silo.Health;

namespace Nsm.Healing.Silo.Tests.Health;

public sealed class SiloReadinessCheckTests
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    [Theory]
    [InlineData(SiloStatus.None, HealthStatus.Unhealthy)]
    [InlineData(SiloStatus.Joining, HealthStatus.Unhealthy)]
    [InlineData(SiloStatus.Active, HealthStatus.Healthy)]
    [InlineData(SiloStatus.ShuttingDown, HealthStatus.Unhealthy)]
    [InlineData(SiloStatus.Dead, HealthStatus.Unhealthy)]
    public async Task Ready_only_while_the_silo_is_active_in_the_membership(SiloStatus status, HealthStatus expected)
    {
        var check = new SiloReadinessCheck(new FakeMembership(status), new FakeSiloDetails(), new FakeLifetime());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(expected, result.Status);
        Assert.Contains(status.ToString(), result.Description);
    }

    [Fact]
    public async Task Not_ready_once_shutdown_began_even_while_still_active()
    {
        var lifetime = new FakeLifetime();
        var check = new SiloReadinessCheck(new FakeMembership(SiloStatus.Active), new FakeSiloDetails(), lifetime);

        lifetime.StopApplication();
        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.EndsWith("is shutting down", result.Description);
    }

    [Fact]
    public async Task Not_ready_while_the_host_is_still_starting_even_when_active()
    {
        // A stop during start-up cancels Orleans' remaining lifecycle stages: nobody should be told "ready" then.
        var check = new SiloReadinessCheck(new FakeMembership(SiloStatus.Active), new FakeSiloDetails(), new FakeLifetime(started: false));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.EndsWith("is still starting", result.Description);
    }

    private sealed class FakeMembership(SiloStatus status) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; } = new(
            status == SiloStatus.None
                ? ImmutableDictionary<SiloAddress, ClusterMember>.Empty
                : ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Self, new ClusterMember(Self, status, "silo")),
            new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    private sealed class FakeSiloDetails : ILocalSiloDetails
    {
        public string Name => "silo";
        public string ClusterId => "nsm-healing";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress => Self;
        public SiloAddress GatewayAddress => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 30000), 1);
    }

    private sealed class FakeLifetime(bool started = true) : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => new(canceled: started);
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();
    }
}
