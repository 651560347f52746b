namespace Nsm.Simulator.Keepalive;

/// <summary>What the NSMgrs saw of client keepalive: PINGs received, and connections closed for pinging too often.</summary>
public sealed class KeepaliveRecord
{
    private int _pings;
    private int _goAways;

    /// <summary>Client PINGs (not ACKs) received by every NSMgr.</summary>
    public int Pings => Volatile.Read(ref _pings);

    /// <summary>Connections closed with GOAWAY ENHANCE_YOUR_CALM "too_many_pings", as a grpc-go NSMgr would have.</summary>
    public int GoAways => Volatile.Read(ref _goAways);

    internal void PingReceived() => Interlocked.Increment(ref _pings);

    internal void GoAwaySent() => Interlocked.Increment(ref _goAways);
}
