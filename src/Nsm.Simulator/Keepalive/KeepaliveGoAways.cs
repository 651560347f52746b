namespace Nsm.Simulator.Keepalive;

/// <summary>How many connections the NSMgrs closed for pinging too often (GOAWAY "too_many_pings").</summary>
public sealed class KeepaliveGoAways
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    internal void Add() => Interlocked.Increment(ref _count);
}
