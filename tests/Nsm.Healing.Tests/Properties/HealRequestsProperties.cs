using CsCheck;
using Nsm.Api;
using Nsm.Healing.Requests;
using Xunit.Abstractions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>The NSM wire rules of a heal (docs/healing.md, Decisions) for any last good request.</summary>
public sealed class HealRequestsProperties(ITestOutputHelper output)
{
    [Fact]
    public void Reselect_clears_mechanism_and_endpoint_and_keeps_everything_else() =>
        RequestGenerators.Request.Sample(lastGood =>
        {
            var before = lastGood.Clone();

            var reselect = HealRequests.Reselect(lastGood);

            Assert.Equal(before, lastGood);
            var (sent, had) = (reselect.Connection, before.Connection);
            Assert.Null(sent.Mechanism);
            Assert.Equal("", sent.NetworkServiceEndpointName);
            Assert.Equal(State.ReselectRequested, sent.State);
            Assert.Equal(0u, sent.Path.Index);
            Assert.Equal(had.Id, sent.Id);
            Assert.Equal(had.Path.PathSegments, sent.Path.PathSegments);
            Assert.Equal(had.Context, sent.Context);
            Assert.Equal(had.Labels, sent.Labels);
            Assert.Equal(had.NetworkService, sent.NetworkService);
            Assert.Equal(had.Payload, sent.Payload);
            Assert.Equal(before.MechanismPreferences, reselect.MechanismPreferences);
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void Restore_keeps_endpoint_path_and_mechanism_and_touches_nothing() =>
        RequestGenerators.Request.Sample(lastGood =>
        {
            var before = lastGood.Clone();

            var restore = HealRequests.Restore(lastGood);

            Assert.Equal(before, lastGood);
            var (sent, had) = (restore.Connection, before.Connection);
            Assert.Equal(had.NetworkServiceEndpointName, sent.NetworkServiceEndpointName);
            Assert.Equal(had.Path.PathSegments, sent.Path.PathSegments);
            Assert.Equal(0u, sent.Path.Index);
            Assert.Equal(had.Mechanism, sent.Mechanism);
            Assert.Equal(State.Up, sent.State);
            Assert.Equal(before.MechanismPreferences, restore.MechanismPreferences);
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void Changing_what_a_heal_sends_never_changes_the_last_good_request() =>
        RequestGenerators.Request.Sample(lastGood =>
        {
            var before = lastGood.Clone();

            foreach (var sent in new[] { HealRequests.Restore(lastGood), HealRequests.Reselect(lastGood) })
            {
                sent.Connection.Labels["mutated"] = "yes";
                sent.Connection.Path.PathSegments.Clear();
                sent.MechanismPreferences.Clear();
            }

            Assert.Equal(before, lastGood);
        }, iter: Generators.Iterations, writeLine: output.WriteLine);
}
