namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// The seed's "data plane is down": the forwarder carrying the most connections is killed, their vWires are gone,
/// and each must be reselected: the old connection closed, a new endpoint requested.
/// </summary>
public sealed class DataPlaneDown : DemoScenario
{
    public override string Name => "data-plane";

    public override string Title => "Data plane down: the busiest forwarder is killed";

    public override string Expectation => "reselect to a new endpoint, off the dead forwarder, data plane up";

    public override async Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation)
    {
        var window = await HealWindow.OpenAsync(world, cancellation);
        var simulator = world.Simulator;
        var forwarder = world.Nscs.Ids.Select(id => simulator.WiringOf(id)?.Forwarders.FirstOrDefault())
            .OfType<string>().GroupBy(name => name).OrderByDescending(group => group.Count()).ThenBy(group => group.Key, StringComparer.Ordinal).First().Key;
        var hit = world.Nscs.Ids.Where(id => simulator.WiringOf(id)?.Forwarders.Contains(forwarder) == true).ToList();
        world.View.Note($"   killing {forwarder}: {hit.Count} connection(s) wired through it");
        var failures = new List<string>();
        // The seed's case is a DOWN meeting a data plane nobody has just vouched for. A connection healed by the
        // scenario before may still hold its NSC's fresh "up" (the policy trusts it for 1 s): then the grain would
        // rightly restore through another forwarder instead. Start once no connection it hits holds one.
        await Wait.UntilAsync(async () => (await Task.WhenAll(hit.Select(id => world.Cluster.Grains.GetGrain<IConnectionGrain>(id).GetState())))
                .All(snapshot => snapshot.DataPlane != DataPlaneVerdict.Up),
            "the NSCs' last data-plane verdicts to age out", world.ScenarioTimeout, cancellation);

        simulator.Faults.KillForwarder(forwarder);
        var latest = await ScenarioChecks.WaitHealedAsync(world, window, hit, s => s.Endpoint != window.Before[s.ConnectionId].Endpoint, failures, cancellation);

        ScenarioChecks.Each(hit, latest, (_, s) => window.Ended(s).Any(heal => heal.Decision == HealDecision.Reselect && heal.Outcome == HealOutcome.Healed),
            (id, s) => $"{id}: healed by {string.Join(", ", window.Ended(s).Select(heal => heal.Decision))}, not a reselect", failures);
        ScenarioChecks.Each(hit, latest, (id, _) => simulator.WiringOf(id) is { } wiring && !wiring.Forwarders.Contains(forwarder) && wiring.DataPlaneUp,
            (id, _) => $"{id}: data plane not up off {forwarder} ({simulator.WiringOf(id)?.Endpoint ?? "not wired"})", failures);
        ScenarioChecks.Each(hit, latest, (id, _) => simulator.Records.Duplicates(id).Count == 0,
            (id, _) => $"{id}: held by two NSEs at once", failures);
        return ScenarioResult.Of(Name, Expectation, hit.Count, window.Ended(latest), failures);
    }
}
