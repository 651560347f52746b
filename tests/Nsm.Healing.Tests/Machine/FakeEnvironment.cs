using Nsm.Healing.Connections;

namespace Nsm.Healing.Tests.Machine;

/// <summary>A clock the test moves, a fixed jitter draw, and a cluster whose dead silos the test names.</summary>
internal sealed class FakeEnvironment : IConnectionEnvironment
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = Start;

    public string LocalSilo { get; set; } = "S127.0.0.1:11111:1";

    public string LocalNode { get; set; } = "node-a";

    /// <summary>Nodes with an active silo, besides this one's.</summary>
    public HashSet<string> NodesWithSilo { get; } = [];

    public double Jitter { get; set; } = 0.5;

    public Nsm.Healing.Custody.QuarantineSnapshot Quarantine { get; set; } = Nsm.Healing.Custody.QuarantineSnapshot.Empty;

    public HashSet<string> DeadSilos { get; } = [];

    public double NextJitter() => Jitter;

    public bool SiloMayBeAlive(string silo) => !DeadSilos.Contains(silo);

    public bool NodeHasSilo(string node) => node == LocalNode || NodesWithSilo.Contains(node);
}
