namespace Nsm.Healing.Decisions;

/// <summary>
/// What the grain may believe about the data plane now. An "up" verdict ages out: a liveness reporter
/// that stopped talking is no proof the vWire still works. A "down" verdict stands until contradicted.
/// </summary>
public static class DataPlaneKnowledge
{
    public static DataPlaneVerdict Effective(DataPlaneVerdict reported, DateTimeOffset? reportedAt, DateTimeOffset now, TimeSpan upVerdictLifetime) =>
        reported switch
        {
            DataPlaneVerdict.Down => DataPlaneVerdict.Down,
            DataPlaneVerdict.Up when reportedAt is { } at && now - at <= upVerdictLifetime => DataPlaneVerdict.Up,
            _ => DataPlaneVerdict.Unknown,
        };
}
