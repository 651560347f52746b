namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// The seed's "control plane is down": nsmgr-1 restarts and forgets its connections. Each connection behind it must
/// be restored to the same endpoint while its vWire keeps working: no Close at any NSE, data plane up throughout.
/// </summary>
public sealed class ControlPlaneDown : DemoScenario
{
    private const string Nsmgr = "nsmgr-1";
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(1.5);

    public override string Name => "control-plane";

    public override string Title => $"Control plane down: {Nsmgr} restarts ({Downtime.TotalSeconds:0.#} s down, its memory lost)";

    public override string Expectation => "same endpoint restored, data plane untouched (no Close at the NSE, up throughout)";

    public override async Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation)
    {
        var window = await HealWindow.OpenAsync(world, cancellation);
        var hit = world.Nscs.On(Nsmgr).ToList();
        var closesBefore = hit.ToDictionary(id => id, id => world.Simulator.Records.Closes(id).Count);
        var failures = new List<string>();

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var dataPlaneDown = SampleDataPlaneAsync(world, hit, sampling.Token);
        await world.Simulator.Faults.RestartNsmgrAsync(Nsmgr, Downtime);
        var latest = await ScenarioChecks.WaitHealedAsync(world, window, hit, _ => true, failures, cancellation);
        await sampling.CancelAsync();
        foreach (var id in await dataPlaneDown)
        {
            failures.Add($"{id}: the data plane went down during the control plane outage");
        }

        ScenarioChecks.Each(hit, latest, (id, s) => s.Endpoint == window.Before[id].Endpoint,
            (id, s) => $"{id}: endpoint changed {window.Before[id].Endpoint} -> {s.Endpoint}", failures);
        ScenarioChecks.Each(hit, latest, (_, s) => window.Ended(s).All(heal => heal.Decision == HealDecision.Restore),
            (id, s) => $"{id}: healed by {string.Join(", ", window.Ended(s).Select(heal => heal.Decision))}, not a restore", failures);
        ScenarioChecks.Each(hit, latest, (id, _) => world.Simulator.Records.Closes(id).Count == closesBefore[id],
            (id, _) => $"{id}: a Close reached the NSMgr (the data plane was torn down)", failures);
        return ScenarioResult.Of(Name, Expectation, hit.Count, window.Ended(latest), failures);
    }

    /// <summary>The simulator's data-plane truth, sampled until cancelled: the connections seen down at least once.</summary>
    private static async Task<IReadOnlySet<string>> SampleDataPlaneAsync(DemoWorld world, IReadOnlyList<string> hit, CancellationToken cancellation)
    {
        var down = new HashSet<string>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                down.UnionWith(hit.Where(id => !world.Simulator.IsDataPlaneUp(id)));
            }
            while (await timer.WaitForNextTickAsync(cancellation));
        }
        catch (OperationCanceledException)
        {
            // Sampling ends with the scenario.
        }

        return down;
    }
}
