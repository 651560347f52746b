namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>One of the seed's situations: a fault, what the cluster must make of it, and the check.</summary>
public abstract class DemoScenario
{
    /// <summary>The name --scenarios selects it by.</summary>
    public abstract string Name { get; }

    public abstract string Title { get; }

    /// <summary>What every hit connection must end as, in the summary's words.</summary>
    public abstract string Expectation { get; }

    /// <summary>Why the scenario cannot run on this cluster, or null when it can.</summary>
    public virtual string? CannotRunOn(DemoCluster cluster) => null;

    public abstract Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation);

    /// <summary>The four scenarios, in the order the seed tells them.</summary>
    public static IReadOnlyList<DemoScenario> All { get; } =
        [new ControlPlaneDown(), new DataPlaneDown(), new NseDeath(), new SiloKill()];
}
