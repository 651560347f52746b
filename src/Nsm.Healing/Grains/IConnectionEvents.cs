namespace Nsm.Healing.Grains;

/// <summary>
/// The silo-side face of a connection grain: what monitor workers tell it. Kept apart from
/// <see cref="IConnectionGrain"/> so the NSC-facing contract stays small.
/// </summary>
[Alias("nsm.IConnectionEvents")]
public interface IConnectionEvents : IGrainWithStringKey
{
    [Alias("OnMonitorEvent")]
    Task OnMonitorEvent(MonitorEvent monitorEvent);

    /// <summary>The monitor stream to this connection's NSMgr broke: control plane down.</summary>
    [Alias("OnControlPlaneLost")]
    Task OnControlPlaneLost(string reason);

    /// <summary>The NSMgr answers again: retry now instead of waiting out the backoff.</summary>
    [Alias("OnControlPlaneRestored")]
    Task OnControlPlaneRestored();
}
