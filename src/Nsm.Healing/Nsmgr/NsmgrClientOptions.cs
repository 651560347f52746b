namespace Nsm.Healing.Nsmgr;

/// <summary>How the silo dials NSMgrs. Bound from configuration section "Nsm:Nsmgr".</summary>
public sealed class NsmgrClientOptions
{
    public const string Section = "Nsm:Nsmgr";

    /// <summary>How long establishing a connection to an NSMgr may take (upstream NSC: 5 s, NSMgr: 750 ms).</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message accepted from an NSMgr: an INITIAL_STATE_TRANSFER of 10k connections is about 5 MB, over gRPC's 4 MB default.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The first rule this breaks, naming the key; null when valid.</summary>
    public string? FindProblem()
    {
        if (DialTimeout <= TimeSpan.Zero) return $"{Section}:{nameof(DialTimeout)} must be positive";
        if (MaxReceiveMessageBytes < 4 * 1024 * 1024) return $"{Section}:{nameof(MaxReceiveMessageBytes)} must be at least 4 MiB";
        return null;
    }
}
