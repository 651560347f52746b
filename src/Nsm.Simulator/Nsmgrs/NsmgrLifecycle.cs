using Nsm.Simulator.Logging;
using Nsm.Simulator.Monitor;

namespace Nsm.Simulator.Nsmgrs;

/// <summary>Takes NSMgrs down and brings them back, with what that means upstream of them.</summary>
internal sealed class NsmgrLifecycle(SimulationState state, OutageNotifier outages)
{
    /// <summary>
    /// Down like a crashed process: memory lost, streams cut with Unavailable, fabric wiring untouched.
    /// NSMgrs earlier on a path through this one lose their downstream and report DOWN.
    /// </summary>
    /// <returns>The generation to pass to a later comeback.</returns>
    public long Stop(string name, string reason)
    {
        lock (state.Gate)
        {
            var nsmgr = state.NsmgrNamed(name);
            var wasUp = nsmgr.Up;
            var generation = nsmgr.GoDown(reason);
            if (wasUp)
            {
                foreach (var wire in state.Fabric.AllWires())
                {
                    foreach (var hop in wire.Nsmgrs.Where(hop => hop.Name == name))
                    {
                        outages.ReportDown(wire, hop.PathIndex);
                    }
                }

                SimulatorLog.NsmgrDown(state.Logger, name, reason);
            }

            return generation;
        }
    }

    public void Start(string name)
    {
        lock (state.Gate)
        {
            StartUnlessAlreadyUp(state.NsmgrNamed(name));
        }
    }

    /// <summary>Stops the NSMgr now and starts it after <paramref name="downtime"/> on the simulator's clock.</summary>
    /// <returns>A task that completes when the NSMgr is back (or was brought back or stopped again meanwhile).</returns>
    public Task Restart(string name, TimeSpan downtime)
    {
        var generation = Stop(name, "restarting");
        return ComeBackAsync(name, generation, downtime);
    }

    private async Task ComeBackAsync(string name, long generation, TimeSpan downtime)
    {
        await Task.Delay(downtime, state.Time).ConfigureAwait(false);
        lock (state.Gate)
        {
            var nsmgr = state.NsmgrNamed(name);
            // A Stop or another restart since this one owns the NSMgr's state now.
            if (nsmgr.Generation == generation)
            {
                StartUnlessAlreadyUp(nsmgr);
            }
        }
    }

    private void StartUnlessAlreadyUp(Nsmgr nsmgr)
    {
        if (!nsmgr.Up)
        {
            nsmgr.ComeUp();
            SimulatorLog.NsmgrUp(state.Logger, nsmgr.Name);
        }
    }
}
