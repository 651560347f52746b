using Nsm.Simulator.Fabric;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Monitor;

namespace Nsm.Simulator.Faults;

/// <summary>Data-plane faults: forwarders and NSEs dying, and one connection's vWire breaking silently.</summary>
internal sealed class FabricFaults(SimulationState state, OutageNotifier outages)
{
    public void KillForwarder(string name)
    {
        lock (state.Gate)
        {
            var forwarder = FindForwarder(name);
            if (!forwarder.Alive)
            {
                return;
            }

            var affected = ReportDownThrough(forwarder);
            CutVWiresThrough(forwarder);
            forwarder.Kill();
            SimulatorLog.ForwarderKilled(state.Logger, name, affected);
        }
    }

    /// <summary>Kill and come back at once with a new incarnation: wiring made before is gone.</summary>
    public void RestartForwarder(string name)
    {
        lock (state.Gate)
        {
            var forwarder = FindForwarder(name);
            if (forwarder.Alive)
            {
                SimulatorLog.ForwarderKilled(state.Logger, name, ReportDownThrough(forwarder));
                CutVWiresThrough(forwarder);
            }

            forwarder.Revive();
            SimulatorLog.ForwarderRestarted(state.Logger, name, forwarder.Incarnation);
        }
    }

    /// <summary>Unregisters and kills the NSE; a replacement serving the same services joins the same node.</summary>
    public void KillNse(string name, string? replacement)
    {
        lock (state.Gate)
        {
            var nse = state.Fabric.FindNse(name) ?? throw new KeyNotFoundException($"nse '{name}' is not in the topology");
            if (!nse.Alive)
            {
                throw new InvalidOperationException($"nse '{name}' is already dead");
            }

            if (replacement is not null && state.Fabric.IsNameTaken(replacement))
            {
                throw new ArgumentException($"replacement name '{replacement}' is already used by another element", nameof(replacement));
            }

            var affected = 0;
            foreach (var wire in state.Fabric.AllWires().Where(w => w.Nse.Name == name && w.Nse.Incarnation == nse.Incarnation))
            {
                outages.ReportDown(wire, wire.Nse.PathIndex);
                affected++;
            }

            // Unregistering frees the NSE's address pool, so the replacement always finds one.
            state.Fabric.Unregister(nse);
            if (replacement is not null)
            {
                state.Fabric.RegisterNse(replacement, nse.Node, nse.Services);
            }

            SimulatorLog.NseKilled(state.Logger, name, affected, replacement);
        }
    }

    /// <summary>Breaks the connection's current vWire without any control-plane event.</summary>
    public void BreakDataPlane(string connectionId)
    {
        lock (state.Gate)
        {
            var wire = state.Fabric.CurrentWire(connectionId)
                ?? throw new KeyNotFoundException($"connection '{connectionId}' is not wired");
            state.Fabric.Break(wire);
            SimulatorLog.DataPlaneBroken(state.Logger, connectionId);
        }
    }

    private Forwarder FindForwarder(string name) =>
        state.Fabric.FindForwarder(name) ?? throw new KeyNotFoundException($"forwarder '{name}' is not in the topology");

    /// <summary>A crashed forwarder's dataplane vanishes: the veth pairs it made are deleted.</summary>
    private void CutVWiresThrough(Forwarder forwarder)
    {
        state.Fabric.CutVWires([.. state.Fabric.AllWires().Where(w => w.Forwarders.Any(f => f.Name == forwarder.Name && f.Incarnation == forwarder.Incarnation))]);
    }

    private int ReportDownThrough(Forwarder forwarder)
    {
        var affected = 0;
        foreach (var wire in state.Fabric.AllWires())
        {
            foreach (var wired in wire.Forwarders.Where(f => f.Name == forwarder.Name && f.Incarnation == forwarder.Incarnation))
            {
                outages.ReportDown(wire, wired.PathIndex);
                affected++;
            }
        }

        return affected;
    }
}
