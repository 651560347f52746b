namespace Nsm.Healing.Hosting;

/// <summary>Silo-wide settings of connection grains. Bound from configuration section "Nsm:Connections".</summary>
public sealed class ConnectionGrainOptions
{
    public const string Section = "Nsm:Connections";

    /// <summary>
    /// Due time and period of the heal-backstop reminder: the longest a heal waits to resume on another silo
    /// after its silo died. Orleans refuses periods below ReminderOptions.MinimumReminderPeriod (1 min by default).
    /// </summary>
    public TimeSpan BackstopReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often the silo looks for a process in each held NSC network namespace: the longest an NSC that is gone
    /// stays connected. One scan of /proc per period, for all connections of the silo.
    /// </summary>
    public TimeSpan NscNamespaceCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Every rule this breaks, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new OptionsProblems(Section);
        problems.Check(BackstopReminderPeriod > TimeSpan.Zero, nameof(BackstopReminderPeriod), $"must be positive (was {BackstopReminderPeriod})");
        problems.Check(NscNamespaceCheckInterval > TimeSpan.Zero, nameof(NscNamespaceCheckInterval), $"must be positive (was {NscNamespaceCheckInterval})");
        return problems.All;
    }
}
