namespace Nsm.Healing.Cluster.Tls;

/// <summary>TLS settings a process cannot start with; <see cref="Problems"/> names each key and what is wrong (never a password).</summary>
public sealed class InvalidClusterTlsException(IReadOnlyList<string> problems)
    : Exception("invalid cluster TLS configuration: " + string.Join("; ", problems))
{
    /// <summary>One line per problem, each naming its configuration key.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
