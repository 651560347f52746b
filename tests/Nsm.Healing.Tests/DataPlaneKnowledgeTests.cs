using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class DataPlaneKnowledgeTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(TestRequests.IssuedAt);

    [Fact]
    public void A_fresh_up_verdict_is_up()
    {
        var reportedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(DataPlaneVerdict.Up, DataPlaneKnowledge.Effective(DataPlaneVerdict.Up, reportedAt, _time.GetUtcNow(), Lifetime));
    }

    [Fact]
    public void An_up_verdict_still_counts_at_exactly_its_lifetime()
    {
        var reportedAt = _time.GetUtcNow();
        _time.Advance(Lifetime);

        Assert.Equal(DataPlaneVerdict.Up, DataPlaneKnowledge.Effective(DataPlaneVerdict.Up, reportedAt, _time.GetUtcNow(), Lifetime));
    }

    [Fact]
    public void An_up_verdict_ages_out_to_unknown_after_its_lifetime()
    {
        var reportedAt = _time.GetUtcNow();
        _time.Advance(Lifetime + TimeSpan.FromTicks(1));

        Assert.Equal(DataPlaneVerdict.Unknown, DataPlaneKnowledge.Effective(DataPlaneVerdict.Up, reportedAt, _time.GetUtcNow(), Lifetime));
    }

    [Fact]
    public void An_up_verdict_without_a_report_time_is_unknown() =>
        Assert.Equal(DataPlaneVerdict.Unknown, DataPlaneKnowledge.Effective(DataPlaneVerdict.Up, null, _time.GetUtcNow(), Lifetime));

    [Fact]
    public void A_down_verdict_stands_long_after_the_lifetime()
    {
        var reportedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(DataPlaneVerdict.Down, DataPlaneKnowledge.Effective(DataPlaneVerdict.Down, reportedAt, _time.GetUtcNow(), Lifetime));
        Assert.Equal(DataPlaneVerdict.Down, DataPlaneKnowledge.Effective(DataPlaneVerdict.Down, null, _time.GetUtcNow(), Lifetime));
    }

    [Fact]
    public void Unknown_stays_unknown() =>
        Assert.Equal(DataPlaneVerdict.Unknown, DataPlaneKnowledge.Effective(DataPlaneVerdict.Unknown, _time.GetUtcNow(), _time.GetUtcNow(), Lifetime));
}
