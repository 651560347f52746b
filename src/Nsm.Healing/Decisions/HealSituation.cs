namespace Nsm.Healing.Decisions;

/// <summary>Everything <see cref="HealDecider"/> needs to know about a connection, and nothing it could do I/O with.</summary>
/// <param name="Phase">The connection's phase now.</param>
/// <param name="HealInProgress">The decision of the heal in progress, when <paramref name="Phase"/> is Healing.</param>
/// <param name="DataPlane">The effective data-plane verdict (see <see cref="DataPlaneKnowledge"/>).</param>
/// <param name="Policy">The connection's heal policy.</param>
public readonly record struct HealSituation(
    ConnectionPhase Phase,
    HealDecision? HealInProgress,
    DataPlaneVerdict DataPlane,
    HealPolicy Policy);
