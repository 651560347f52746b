namespace Nsm.Healing.Silo.Configuration;

/// <summary>Configuration the silo cannot start with; <see cref="Problems"/> names each key and the rule it breaks.</summary>
public sealed class InvalidSiloConfigurationException(IReadOnlyList<string> problems)
    : Exception("invalid configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
