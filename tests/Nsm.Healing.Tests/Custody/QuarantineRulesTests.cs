using Nsm.Healing.Custody;

namespace Nsm.Healing.Tests.Custody;

public sealed class QuarantineRulesTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CustodyOptions Options = new();

    [Fact]
    public void Three_connections_looping_onto_one_nse_quarantine_it_and_its_forwarder_only_if_they_share_it()
    {
        var book = new QuarantineBook();

        Assert.Empty(QuarantineRules.Take(book, Report("c1", "nse-bad", "fwd-1"), Options, Start));
        Assert.Empty(QuarantineRules.Take(book, Report("c1", "nse-bad", "fwd-1"), Options, Start.AddSeconds(1)));
        Assert.Empty(QuarantineRules.Take(book, Report("c2", "nse-bad", "fwd-2"), Options, Start.AddSeconds(2)));
        var imposed = QuarantineRules.Take(book, Report("c3", "nse-bad", "fwd-3"), Options, Start.AddSeconds(3));

        var entry = Assert.Single(imposed);
        Assert.Equal((EndpointKind.Nse, "nse-bad", 3), (entry.Kind, entry.Name, entry.LoopingConnections));
        Assert.Equal(["icmp-responder"], entry.NetworkServices);
        Assert.Equal(Start.AddSeconds(3) + Options.QuarantineDuration, entry.Until);
    }

    [Fact]
    public void Reports_older_than_the_window_do_not_count_and_a_quarantine_runs_out()
    {
        var book = new QuarantineBook();
        QuarantineRules.Take(book, Report("c1", "nse-bad", "fwd-1"), Options, Start);
        QuarantineRules.Take(book, Report("c2", "nse-bad", "fwd-1"), Options, Start);
        var later = Start + Options.QuarantineWindow + TimeSpan.FromSeconds(1);
        Assert.Empty(QuarantineRules.Take(book, Report("c3", "nse-bad", "fwd-1", later), Options, later));

        QuarantineRules.Take(book, Report("c4", "nse-bad", "fwd-1", later), Options, later);
        Assert.Equal(2, QuarantineRules.Take(book, Report("c5", "nse-bad", "fwd-1", later), Options, later).Count);

        var expired = QuarantineRules.Prune(book, Options, later + Options.QuarantineDuration);
        Assert.Equal(2, expired.Count);
        Assert.Empty(book.Entries);
    }

    [Fact]
    public void An_operator_lift_ends_the_quarantine_and_forgets_its_reports()
    {
        var book = new QuarantineBook();
        foreach (var id in new[] { "c1", "c2", "c3" })
        {
            QuarantineRules.Take(book, Report(id, "nse-bad", "fwd-1"), Options, Start);
        }

        Assert.True(QuarantineRules.Lift(book, EndpointKind.Nse, "nse-bad", "fixed the NSE", Start.AddMinutes(1)));
        Assert.False(book.Snapshot().IsQuarantined(EndpointKind.Nse, "nse-bad", Start.AddMinutes(1)));
        Assert.True(book.Snapshot().IsQuarantined(EndpointKind.Forwarder, "fwd-1", Start.AddMinutes(1)));
        Assert.Equal("fixed the NSE", Assert.Single(book.Lifts).Reason);
        // One more report does not re-impose it from the old ones.
        Assert.Empty(QuarantineRules.Take(book, Report("c4", "nse-bad", "fwd-9"), Options, Start.AddMinutes(1)));
        Assert.False(QuarantineRules.Lift(book, EndpointKind.Nse, "nse-bad", "again", Start.AddMinutes(1)));
    }

    [Fact]
    public void Steering_spreads_over_healthy_nses_and_never_names_the_lost_or_a_quarantined_one()
    {
        var quarantine = new QuarantineSnapshot
        {
            Entries = [new QuarantineEntry { Kind = EndpointKind.Nse, Name = "nse-bad", NetworkServices = ["svc"], Since = Start, Until = Start.AddMinutes(10) }],
            ServingEndpoints = new Dictionary<string, IReadOnlyList<string>> { ["svc"] = ["nse-a", "nse-b", "nse-bad"], ["other"] = ["nse-x"] },
        };

        var chosen = Enumerable.Range(0, 50).Select(i => ReselectSteering.Choose(quarantine, "svc", "nse-b", $"conn-{i}", Start)).ToHashSet();

        Assert.Equal(["nse-a"], chosen);
        Assert.Equal(2, Enumerable.Range(0, 50).Select(i => ReselectSteering.Choose(quarantine, "svc", null, $"conn-{i}", Start)).Distinct().Count());
        Assert.Null(ReselectSteering.Choose(quarantine, "other", null, "conn-1", Start));
        Assert.Null(ReselectSteering.Choose(quarantine, "svc", "nse-b", "conn-1", Start.AddMinutes(11)));
    }

    private static LoopReport Report(string connection, string nse, string forwarder, DateTimeOffset? at = null) =>
        new(connection, "icmp-responder", "tcp://127.0.0.1:5001", nse, [forwarder], at ?? Start);
}
