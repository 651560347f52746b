using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>Tells whether one connection's data plane (its vWire) works, e.g. by pinging across it.</summary>
public interface ILivenessCheck
{
    /// <summary>
    /// Checks <paramref name="connection"/> as its grain last returned it (a heal changes its IPs).
    /// Should stop when <paramref name="cancellationToken"/> fires; <see cref="LivenessReporter"/> counts a throw or a timeout as Down.
    /// </summary>
    Task<LivenessResult> CheckAsync(Connection connection, CancellationToken cancellationToken);
}
