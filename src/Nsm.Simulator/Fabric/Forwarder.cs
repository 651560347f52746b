namespace Nsm.Simulator.Fabric;

/// <summary>A forwarder: the data-plane hop between an NSMgr's clients and the next hop.</summary>
internal sealed class Forwarder(string name, string node) : FabricElement(name, node);
