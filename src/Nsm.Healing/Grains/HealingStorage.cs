namespace Nsm.Healing.Grains;

/// <summary>Names the host must configure: grain storage for connection state, and the reminder a heal keeps.</summary>
public static class HealingStorage
{
    /// <summary>The grain storage provider connection grains persist to (memory in development, Redis when durable).</summary>
    public const string Name = "nsm-healing";

    /// <summary>
    /// The durable backstop registered while healing: if the silo dies, the reminder reactivates the grain
    /// elsewhere and healing resumes from stored state. Its period is ConnectionGrainOptions.BackstopReminderPeriod.
    /// </summary>
    public const string BackstopReminder = "heal-backstop";
}
