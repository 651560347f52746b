using System.Globalization;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// One timed step of a chaos schedule: a fault, or the recovery that ends one. <see cref="At"/> counts from the start of
/// the chaos phase. <see cref="Fault"/> names the kind of fault for the run's tally; recoveries have none.
/// </summary>
public abstract record ChaosStep(TimeSpan At)
{
    public abstract string? Fault { get; }

    protected abstract string What { get; }

    public sealed override string ToString() => $"{At.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture),7} s  {What}";

    protected static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s";
}

/// <summary>SIGKILL the silo running in this slot (a slot is a fixed set of ports a silo restarts on).</summary>
public sealed record KillSilo(TimeSpan At, int Slot) : ChaosStep(At)
{
    public override string Fault => "silo SIGKILL";

    protected override string What => $"SIGKILL the silo in slot {Slot}";
}

public sealed record StartSilo(TimeSpan At, int Slot) : ChaosStep(At)
{
    public override string? Fault => null;

    protected override string What => $"start a new silo in slot {Slot} (same ports)";
}

public sealed record RestartNsmgr(TimeSpan At, string Nsmgr, TimeSpan Downtime) : ChaosStep(At)
{
    public override string Fault => "NSMgr restart";

    protected override string What => $"restart {Nsmgr}, down for {Seconds(Downtime)}";
}

public sealed record KillForwarder(TimeSpan At, string Forwarder) : ChaosStep(At)
{
    public override string Fault => "forwarder death";

    protected override string What => $"kill forwarder {Forwarder}";
}

public sealed record RestartForwarder(TimeSpan At, string Forwarder) : ChaosStep(At)
{
    public override string? Fault => null;

    protected override string What => $"forwarder {Forwarder} back (new incarnation)";
}

/// <summary>The NSE dies and unregisters; <see cref="Replacement"/> registers on the same node at once.</summary>
public sealed record KillNse(TimeSpan At, string Nse, string Replacement) : ChaosStep(At)
{
    public override string Fault => "NSE death";

    protected override string What => $"kill NSE {Nse}, replaced by {Replacement}";
}

/// <summary>Breaks the vWire of these connections (indices into the run's connections) with no event.</summary>
public sealed record BreakDataPlanes(TimeSpan At, IReadOnlyList<int> Connections) : ChaosStep(At)
{
    public override string Fault => "data-plane break";

    protected override string What => $"break the data plane of connections {string.Join(", ", Connections)}";
}

/// <summary>Requests at the NSMgr fail Unavailable with this probability, seeded; 0 ends the fault.</summary>
public sealed record FailRequests(TimeSpan At, string Nsmgr, double Probability, int Seed) : ChaosStep(At)
{
    public override string? Fault => Probability > 0 ? "request failures" : null;

    protected override string What => Probability > 0
        ? $"{Nsmgr} fails {Probability.ToString("P0", CultureInfo.InvariantCulture)} of Requests (seed {Seed})"
        : $"{Nsmgr} stops failing Requests";
}

/// <summary>Every Request at the NSMgr waits this long first; zero ends the fault.</summary>
public sealed record DelayRequests(TimeSpan At, string Nsmgr, TimeSpan Latency) : ChaosStep(At)
{
    public override string? Fault => Latency > TimeSpan.Zero ? "request latency" : null;

    protected override string What => Latency > TimeSpan.Zero
        ? $"{Nsmgr} delays every Request by {Latency.TotalMilliseconds} ms"
        : $"{Nsmgr} answers without delay again";
}

/// <summary>SIGKILL redis-server, then the same server again after the downtime (same port, same data directory).</summary>
public sealed record RestartRedis(TimeSpan At, TimeSpan Downtime) : ChaosStep(At)
{
    public override string Fault => "Redis restart";

    protected override string What => $"SIGKILL Redis, back after {Seconds(Downtime)}";
}

/// <summary>The NSCs of these connections close them: the one case where Closed is the right end.</summary>
public sealed record CloseConnections(TimeSpan At, IReadOnlyList<int> Connections) : ChaosStep(At)
{
    public override string Fault => "NSC close";

    protected override string What => $"the NSC closes connections {string.Join(", ", Connections)}";
}
