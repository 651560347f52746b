namespace Nsm.Healing.Monitoring;

/// <summary>
/// The key of an NSMgr's monitor grain. A unix-socket NSMgr address names a different NSMgr on every node (each node's
/// NSMgr listens at the same path), so its monitor is one per node: keyed <c>node|address</c>, placed on that node's
/// silo and dialling from there. Any other address (TCP, or a connection that names no node) names one NSMgr
/// cluster-wide and is its own key.
/// </summary>
public static class MonitorKey
{
    private const char Separator = '|';

    public static string For(string nsmgrAddress, string? node) =>
        !string.IsNullOrEmpty(node) && nsmgrAddress.StartsWith("unix://", StringComparison.Ordinal)
            ? $"{node}{Separator}{nsmgrAddress}"
            : nsmgrAddress;

    /// <summary>The NSMgr address to dial.</summary>
    public static string AddressOf(string key) => key.IndexOf(Separator) is var at and >= 0 ? key[(at + 1)..] : key;

    /// <summary>The node whose silo runs this monitor, or null when any silo may.</summary>
    public static string? NodeOf(string key) => key.IndexOf(Separator) is var at and >= 0 ? key[..at] : null;
}
