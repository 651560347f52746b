using Nsm.Api;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Monitor;

namespace Nsm.Simulator.Nsmgrs;

/// <summary>A connection as one NSMgr on its path knows it: the NSC's view, the NSMgr's index and its wiring.</summary>
internal sealed class ManagedConnection(Connection nscView, int ownIndex, Wire wire)
{
    /// <summary>The connection as returned to the NSC (path index 0); never mutated after creation.</summary>
    public Connection NscView { get; } = nscView;

    public int OwnIndex { get; } = ownIndex;

    public Wire Wire { get; } = wire;

    public string OwnSegmentId => NscView.Path.PathSegments[OwnIndex].Id;

    public State State { get; set; } = State.Up;

    public Connection View() => ConnectionView.AsSeenAt(NscView, OwnIndex, State);
}
