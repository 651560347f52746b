namespace Nsm.Simulator.Recording;

/// <summary>
/// A connection id found held by two or more NSEs at once: the trace of a client that moved a connection
/// to another NSE without closing it first.
/// </summary>
public sealed record DuplicateRecord(DateTimeOffset Timestamp, string ConnectionId, IReadOnlyList<string> Endpoints);
