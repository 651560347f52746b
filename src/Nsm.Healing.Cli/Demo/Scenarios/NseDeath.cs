namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// An NSE dies and a replacement registers on its node: each of its connections must be reselected to the
/// replacement (node-2's only NSE, so the replacement is the NSMgr's local choice).
/// </summary>
public sealed class NseDeath : DemoScenario
{
    private const string Victim = DemoTopology.LoneNse;
    private const string Replacement = DemoTopology.LoneNse + "-new";

    public override string Name => "nse-death";

    public override string Title => $"NSE death: {Victim} dies, {Replacement} registers in its place";

    public override string Expectation => $"reselect to the replacement {Replacement}";

    public override async Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation)
    {
        var window = await HealWindow.OpenAsync(world, cancellation);
        var simulator = world.Simulator;
        var hit = simulator.ConnectionsAt(Victim).Where(id => world.Nscs.Ids.Contains(id)).Order(StringComparer.Ordinal).ToList();
        world.View.Note($"   {hit.Count} connection(s) at {Victim}");
        var failures = new List<string>();

        simulator.Faults.KillNse(Victim, Replacement);
        var latest = await ScenarioChecks.WaitHealedAsync(world, window, hit, s => s.Endpoint == Replacement, failures, cancellation);

        ScenarioChecks.Each(hit, latest, (_, s) => window.Ended(s).Any(heal => heal.Decision == HealDecision.Reselect && heal.EndpointAfter == Replacement),
            (id, s) => $"{id}: no reselect to {Replacement} ({string.Join(", ", window.Ended(s).Select(heal => $"{heal.Decision} to {heal.EndpointAfter}"))})", failures);
        ScenarioChecks.Each(hit, latest, (id, _) => simulator.IsDataPlaneUp(id),
            (id, _) => $"{id}: data plane not up at {Replacement}", failures);
        ScenarioChecks.Each(hit, latest, (id, _) => simulator.Records.Duplicates(id).Count == 0,
            (id, _) => $"{id}: held by two NSEs at once", failures);
        return ScenarioResult.Of(Name, Expectation, hit.Count, window.Ended(latest), failures);
    }
}
