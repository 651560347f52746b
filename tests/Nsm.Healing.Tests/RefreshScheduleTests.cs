using Microsoft.Extensions.Time.Testing;
using Nsm.Api;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Tests;

public sealed class RefreshScheduleTests
{
    private readonly FakeTimeProvider _time = new(TestRequests.IssuedAt);

    [Fact]
    public void Refreshes_at_a_fraction_of_the_shortest_token_lifetime_on_the_path()
    {
        var now = _time.GetUtcNow();
        var connection = WithExpiries(now.AddMinutes(10), now.AddMinutes(6), now.AddMinutes(20));

        Assert.Equal(now + TimeSpan.FromSeconds(72), RefreshSchedule.NextRefreshAt(connection, null, now, 0.2));
    }

    [Fact]
    public void Counts_the_lifetime_from_now()
    {
        var expiry = _time.GetUtcNow().AddMinutes(10);
        _time.Advance(TimeSpan.FromMinutes(4));
        var now = _time.GetUtcNow();

        Assert.Equal(now + TimeSpan.FromMinutes(3), RefreshSchedule.NextRefreshAt(WithExpiries(expiry), null, now, 0.5));
    }

    [Fact]
    public void Segments_without_an_expiry_do_not_count()
    {
        var now = _time.GetUtcNow();
        var connection = WithExpiries(now.AddMinutes(10));
        connection.Path.PathSegments.Add(new PathSegment { Name = "nse-1", Id = "nse-conn" });

        Assert.Equal(now + TimeSpan.FromMinutes(2), RefreshSchedule.NextRefreshAt(connection, null, now, 0.2));
    }

    [Fact]
    public void No_expiry_anywhere_means_no_refresh()
    {
        var connection = WithExpiries();
        connection.Path.PathSegments.Add(new PathSegment { Name = "nsc-1", Id = TestRequests.ConnectionId });

        Assert.Null(RefreshSchedule.NextRefreshAt(connection, null, _time.GetUtcNow(), 0.2));
    }

    [Fact]
    public void No_path_means_no_refresh() =>
        Assert.Null(RefreshSchedule.NextRefreshAt(new Connection { Id = TestRequests.ConnectionId }, null, _time.GetUtcNow(), 0.2));

    [Fact]
    public void An_expired_token_means_refresh_now()
    {
        var now = _time.GetUtcNow();

        Assert.Equal(now, RefreshSchedule.NextRefreshAt(WithExpiries(now.AddMinutes(10), now.AddSeconds(-1)), null, now, 0.2));
        Assert.Equal(now, RefreshSchedule.NextRefreshAt(WithExpiries(now), null, now, 0.2));
    }

    [Fact]
    public void The_token_we_sent_counts_when_it_expires_before_any_on_the_path()
    {
        var now = _time.GetUtcNow();

        Assert.Equal(now + TimeSpan.FromMinutes(1), RefreshSchedule.NextRefreshAt(WithExpiries(now.AddMinutes(10)), now.AddMinutes(3), now, 1.0 / 3));
        Assert.Equal(now + TimeSpan.FromMinutes(1), RefreshSchedule.NextRefreshAt(WithExpiries(), now.AddMinutes(3), now, 1.0 / 3));
    }

    [Fact]
    public void The_path_counts_when_it_expires_before_the_token_we_sent()
    {
        var now = _time.GetUtcNow();

        Assert.Equal(now + TimeSpan.FromMinutes(2), RefreshSchedule.NextRefreshAt(WithExpiries(now.AddMinutes(10)), now.AddMinutes(30), now, 0.2));
    }

    private static Connection WithExpiries(params DateTimeOffset[] expiries)
    {
        var connection = new Connection { Id = TestRequests.ConnectionId, Path = new Path() };
        connection.Path.PathSegments.Add(expiries.Select((expiry, i) => TestRequests.Segment($"hop-{i}", $"id-{i}", $"token-{i}", expiry)));
        return connection;
    }
}
