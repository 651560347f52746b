using CsCheck;
using Nsm.Api;
using Nsm.Healing.Decisions;
using Xunit.Abstractions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>An event about the connection we hold is acted on; one about a connection we replaced never is.</summary>
public sealed class MonitorEventRelevanceProperties(ITestOutputHelper output)
{
    /// <summary>NSC, NSMgr, and at least a forwarder: the hops a reselect can change.</summary>
    private static readonly Gen<Connection> Current = RequestGenerators.ConnectionWith(3);

    [Fact]
    public void An_event_about_the_current_connection_or_a_clone_is_current() =>
        Current.Sample(current =>
        {
            Assert.True(MonitorEventRelevance.IsAboutCurrent(current, current));
            Assert.True(MonitorEventRelevance.IsAboutCurrent(current, current.Clone()));
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void An_event_about_another_endpoint_is_stale() =>
        Gen.Select(Current, RequestGenerators.Segment).Sample((current, other) =>
        {
            current.NetworkServiceEndpointName = "nse-" + other.Name;
            var reported = current.Clone();
            reported.NetworkServiceEndpointName = "other-" + other.Name;

            Assert.False(MonitorEventRelevance.IsAboutCurrent(current, reported));
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void An_event_through_another_forwarder_or_nse_segment_is_stale() =>
        (from current in Current
         from hopSeed in Gen.Int[0, 1_000]
         from byName in Gen.Bool
         from suffix in Gen.String[Gen.Char.AlphaNumeric, 1, 6]
         select (current, hopSeed, byName, suffix))
        .Sample(c =>
        {
            var reported = c.current.Clone();
            var segments = reported.Path.PathSegments;
            // Hops 2.. are the forwarders and the NSE; hop 0 is us and hop 1 the NSMgr, which a reselect keeps.
            var hop = 2 + (c.hopSeed % (segments.Count - 2));
            if (c.byName)
            {
                segments[hop].Name += "-other-" + c.suffix;
            }
            else
            {
                segments[hop].Id += "-other-" + c.suffix;
            }

            Assert.False(MonitorEventRelevance.IsAboutCurrent(c.current, reported));
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void An_event_from_before_our_last_nsmgr_answer_is_stale() =>
        Gen.Select(Current, Gen.Int[1, 86_400]).Sample((current, earlierBySeconds) =>
        {
            var reported = current.Clone();
            var nsmgrHop = reported.Path.PathSegments[1];
            nsmgrHop.Expires = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(
                nsmgrHop.Expires.ToDateTimeOffset().AddSeconds(-earlierBySeconds));

            Assert.False(MonitorEventRelevance.IsAboutCurrent(current, reported));
        }, iter: Generators.Iterations, writeLine: output.WriteLine);
}
