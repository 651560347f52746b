using Nsm.Netns;

namespace Nsm.Simulator.Recording;

/// <summary>
/// A kernel-mechanism Request or Close as one NSMgr received it: the network namespace whose descriptor came with it
/// (where the forwarder would put the interface), or null when none did.
/// </summary>
public sealed record NamespaceRecord(DateTimeOffset Timestamp, string Nsmgr, string ConnectionId, string Call, NamespaceInode? Namespace);
