namespace Nsm.Healing.Client;

/// <summary>One liveness check's answer, with the reason that goes into the logs.</summary>
/// <param name="Verdict">
/// <see cref="DataPlaneVerdict.Unknown"/> means the check cannot tell (nothing to check, or it cannot run here):
/// nothing is reported, so the grain's last verdict goes stale instead of being contradicted by a guess.
/// <param name="Reason">Why the check answered so, for the logs: e.g. "3 of 3 pings to 10.0.0.2 answered".</param>
/// </param>
public sealed record LivenessResult(DataPlaneVerdict Verdict, string Reason)
{
    /// <summary>The data plane works.</summary>
    public static LivenessResult Up(string reason) => new(DataPlaneVerdict.Up, reason);

    /// <summary>The data plane is gone: the grain reselects.</summary>
    public static LivenessResult Down(string reason) => new(DataPlaneVerdict.Down, reason);

    /// <summary>The check cannot tell; nothing is reported.</summary>
    public static LivenessResult Unknown(string reason) => new(DataPlaneVerdict.Unknown, reason);
}
