namespace Nsm.Healing.Custody;

/// <summary>Cluster custody settings: quarantine of looping endpoints, and the census behind `top` and /status.
/// Bound from configuration section "Nsm:Custody".</summary>
public sealed class CustodyOptions
{
    public const string Section = "Nsm:Custody";

    /// <summary>Distinct connections found looping onto one NSE or forwarder within <see cref="QuarantineWindow"/> that
    /// quarantine it.</summary>
    public int LoopingConnectionsToQuarantine { get; set; } = 3;

    /// <summary>How far back loop reports count towards a quarantine.</summary>
    public TimeSpan QuarantineWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a quarantine lasts unless an operator lifts it sooner.</summary>
    public TimeSpan QuarantineDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often each silo sends its census to the cluster's blast-radius view and reads the quarantines.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every rule this breaks, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new OptionsProblems(Section);
        problems.Check(LoopingConnectionsToQuarantine >= 1, nameof(LoopingConnectionsToQuarantine), $"must be at least 1 (was {LoopingConnectionsToQuarantine})");
        problems.Check(QuarantineWindow > TimeSpan.Zero, nameof(QuarantineWindow), $"must be positive (was {QuarantineWindow})");
        problems.Check(QuarantineDuration > TimeSpan.Zero, nameof(QuarantineDuration), $"must be positive (was {QuarantineDuration})");
        problems.Check(ReportInterval > TimeSpan.Zero && ReportInterval <= TimeSpan.FromMinutes(5), nameof(ReportInterval), $"must be positive and at most 5 minutes (was {ReportInterval})");
        return problems.All;
    }
}
