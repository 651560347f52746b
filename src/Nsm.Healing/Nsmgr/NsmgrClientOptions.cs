namespace Nsm.Healing.Nsmgr;

/// <summary>How the silo dials NSMgrs. Bound from configuration section "Nsm:Nsmgr".</summary>
public sealed class NsmgrClientOptions
{
    public const string Section = "Nsm:Nsmgr";

    /// <summary>How long establishing a connection to an NSMgr may take (upstream NSC: 5 s, NSMgr: 750 ms).</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest message accepted from an NSMgr: an INITIAL_STATE_TRANSFER of 10k connections is about 5 MB, over gRPC's 4 MB default.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// The node's own NSMgr socket (upstream's default path), always allowed; empty allows no address without a pattern in
    /// <see cref="AllowedAddresses"/>.
    /// </summary>
    public string NodeSocket { get; set; } = "unix:///var/lib/networkservicemesh/nsm.io.sock";

    /// <summary>
    /// Further NSMgr addresses the silo may dial, as patterns where <c>*</c> stands for any run of characters
    /// (<c>tcp://10.0.*:5001</c>). A connection naming any other address is refused before anything is stored or dialed:
    /// the silo sends its token and presents its certificate to whatever it dials.
    /// </summary>
    public string[] AllowedAddresses { get; set; } = [];

    /// <summary>
    /// How long a silent NSMgr over TCP is tolerated before its connection is declared dead (TCP keepalive probes and
    /// TCP_USER_TIMEOUT). No HTTP/2 PINGs are sent: a grpc-go NSMgr closes connections that ping more often than every 5 min.
    /// </summary>
    public TimeSpan DeadPeerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A channel to an NSMgr that no call or stream has used for this long is closed.</summary>
    public TimeSpan IdleChannelTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most NSMgr channels open at once; a dial beyond it first closes the longest-idle one, or is refused.</summary>
    public int MaxOpenChannels { get; set; } = 256;

    /// <summary>Every rule this breaks, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new OptionsProblems(Section);
        problems.Check(DialTimeout > TimeSpan.Zero, nameof(DialTimeout), $"must be positive (was {DialTimeout})");
        problems.Check(DeadPeerTimeout >= TimeSpan.FromSeconds(3), nameof(DeadPeerTimeout), $"must be at least 3 s, as TCP keepalive counts whole seconds (was {DeadPeerTimeout})");
        problems.Check(IdleChannelTimeout > TimeSpan.Zero, nameof(IdleChannelTimeout), $"must be positive (was {IdleChannelTimeout})");
        problems.Check(MaxOpenChannels >= 1, nameof(MaxOpenChannels), $"must be at least 1 (was {MaxOpenChannels})");
        problems.Add(NsmgrAddressAllowList.Problems(NodeSocket, AllowedAddresses));
        problems.Check(MaxReceiveMessageBytes >= 4 * 1024 * 1024, nameof(MaxReceiveMessageBytes), $"must be at least 4 MiB (was {MaxReceiveMessageBytes})");
        return problems.All;
    }
}
