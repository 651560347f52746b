namespace Nsm.Healing.Client;

/// <summary>One liveness check's answer, with the reason that goes into the logs.</summary>
/// <param name="Verdict">
/// <see cref="DataPlaneVerdict.Unknown"/> means the check cannot tell (nothing to check, or it cannot run here):
/// nothing is reported, so the grain's last verdict goes stale instead of being contradicted by a guess.
/// </param>
public sealed record LivenessResult(DataPlaneVerdict Verdict, string Reason)
{
    public static LivenessResult Up(string reason) => new(DataPlaneVerdict.Up, reason);

    public static LivenessResult Down(string reason) => new(DataPlaneVerdict.Down, reason);

    public static LivenessResult Unknown(string reason) => new(DataPlaneVerdict.Unknown, reason);
}
