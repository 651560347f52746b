using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Control;

/// <summary>The JSON shapes the control surface returns.</summary>
internal sealed record TopologyView(TimeSpan TokenLifetime, IReadOnlyList<NodeView> Nodes);

internal sealed record NodeView(string Name, NsmgrView Nsmgr, IReadOnlyList<ForwarderView> Forwarders, IReadOnlyList<NseView> Nses);

internal sealed record NsmgrView(string Name, bool Up, string Address, string? UnixSocket);

internal sealed record ForwarderView(string Name, bool Alive, long Incarnation);

internal sealed record NseView(string Name, IReadOnlyList<string> Services, bool Alive);

internal sealed record StatsView(
    int Requests,
    int RequestsFailed,
    CloseCountsView Closes,
    int Duplicates,
    int WiredConnections,
    int PeakInFlightPerConnection,
    IReadOnlyList<NsmgrStatsView> Nsmgrs);

internal sealed record CloseCountsView(int Client, int Expired, int Reselect);

internal sealed record NsmgrStatsView(
    string Name,
    bool Up,
    int Connections,
    int OpenMonitorStreams,
    int MonitorStreamsOpened,
    int ConcurrentRequests,
    int PeakConcurrentRequests);

internal sealed record RecordsView(
    IReadOnlyList<RequestRecord> Requests,
    IReadOnlyList<CloseRecord> Closes,
    IReadOnlyList<DuplicateRecord> Duplicates);

internal sealed record DataPlaneView(string ConnectionId, bool Up);

internal sealed record ControlAck(string Message);

internal sealed record ControlError(string Error);
