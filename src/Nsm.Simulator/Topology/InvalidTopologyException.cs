namespace Nsm.Simulator.Topology;

/// <summary>The topology or its config file breaks a rule; the message names the field and the rule.</summary>
public sealed class InvalidTopologyException(string message) : Exception(message);
