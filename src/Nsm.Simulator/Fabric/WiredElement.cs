namespace Nsm.Simulator.Fabric;

/// <summary>A forwarder or NSE a connection is wired through, as it was when the wiring was made.</summary>
internal readonly record struct WiredElement(string Name, long Incarnation, int PathIndex);
