using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nsm.Healing.Identity;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// One gRPC channel per NSMgr address for the whole silo: thousands of connection grains behind one NSMgr share its
/// HTTP/2 connections instead of dialing each their own. Only allowed addresses are dialed; a channel no call or stream
/// has rented for <see cref="NsmgrClientOptions.IdleChannelTimeout"/> is closed, and at most
/// <see cref="NsmgrClientOptions.MaxOpenChannels"/> are open. With an identity, every connection is mTLS with an SVID; a call
/// carrying a token goes on a channel whose connections present the very SVID that signed it (the NSMgr checks the token
/// against the TLS certificate), so a rotated SVID gets new channels and the old ones close once idle.
/// </summary>
public sealed class NsmgrChannelPool : IDisposable
{
    private readonly Lock _lock = new();
    // Keyed by address, and for token-carrying calls by address and SVID.
    private readonly Dictionary<string, Entry> _channels = new(StringComparer.Ordinal);
    private readonly NsmgrClientOptions _options;
    private readonly NsmgrAddressAllowList _allowList;
    private readonly IX509SvidSource _identity;
    private readonly IReadOnlyCollection<string> _allowedNsmgrIds;
    private readonly TimeProvider _time;
    private readonly ITimer _eviction;

    /// <param name="identity">Where SVIDs come from; none (or <see cref="PlaintextIdentity"/>) dials h2c and signs nothing.</param>
    public NsmgrChannelPool(
        IOptions<NsmgrClientOptions> options, NsmgrAddressAllowList allowList, [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IX509SvidSource? identity = null, IOptions<IdentityOptions>? identityOptions = null)
    {
        _options = options.Value;
        _allowList = allowList;
        _identity = identity ?? new PlaintextIdentity();
        _allowedNsmgrIds = identityOptions?.Value.AllowedNsmgrIds ?? [];
        _time = time;
        var sweep = _options.IdleChannelTimeout / 2;
        _eviction = time.CreateTimer(_ => CloseIdle(), null, sweep, sweep);
    }

    /// <summary>Channels open now.</summary>
    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _channels.Count;
            }
        }
    }

    /// <summary>False when identity is off (Nsm:Identity:Source=None): plaintext and no tokens.</summary>
    public bool Secure => _identity is not PlaintextIdentity;

    /// <summary>
    /// The channel to <paramref name="nsmgrAddress"/> for monitor streams (each new connection presents the SVID current at
    /// the time), kept open until the lease is disposed: hold it for the whole call or stream.
    /// </summary>
    /// <exception cref="NsmRequestFailedException">The address is not allowed ("PermissionDenied" is reserved for identity, so
    /// "FailedPrecondition"), or every one of <see cref="NsmgrClientOptions.MaxOpenChannels"/> is in use ("Unavailable": try later).</exception>
    public ChannelLease Rent(string nsmgrAddress) => Rent(nsmgrAddress, nsmgrAddress, Secure ? () => _identity.Current : null);

    /// <summary>The channel whose connections present <paramref name="svid"/>, for a call whose token it signs.</summary>
    public ChannelLease RentFor(string nsmgrAddress, X509Svid svid) => Rent($"{nsmgrAddress} {svid.Certificate.Thumbprint}", nsmgrAddress, () => svid);

    private ChannelLease Rent(string key, string nsmgrAddress, Func<X509Svid>? svid)
    {
        if (!_allowList.Allows(nsmgrAddress))
        {
            throw new NsmRequestFailedException("FailedPrecondition", NsmgrAddressAllowList.Refusal(nsmgrAddress));
        }

        NsmgrChannel? evicted = null;
        Entry entry;
        lock (_lock)
        {
            if (!_channels.TryGetValue(key, out entry!))
            {
                if (_channels.Count >= _options.MaxOpenChannels)
                {
                    var idle = _channels.Where(c => c.Value.Leases == 0).ToList();
                    if (idle.Count == 0)
                    {
                        throw new NsmRequestFailedException("Unavailable",
                            $"not dialing NSMgr {nsmgrAddress}: all {NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.MaxOpenChannels)} ({_options.MaxOpenChannels}) NSMgr channels are in use");
                    }

                    var idlest = idle.MinBy(c => c.Value.LastUsed);
                    _channels.Remove(idlest.Key);
                    evicted = idlest.Value.Channel;
                }

                entry = new Entry(NsmgrChannelFactory.Create(NsmgrAddress.Parse(nsmgrAddress), _options, svid, _allowedNsmgrIds));
                _channels.Add(key, entry);
            }

            entry.Leases++;
            entry.LastUsed = _time.GetUtcNow();
        }

        evicted?.Dispose();
        return new ChannelLease(this, entry);
    }

    public void Dispose()
    {
        _eviction.Dispose();
        lock (_lock)
        {
            foreach (var entry in _channels.Values)
            {
                entry.Channel.Dispose();
            }

            _channels.Clear();
        }
    }

    private void Return(Entry entry)
    {
        lock (_lock)
        {
            entry.Leases--;
            entry.LastUsed = _time.GetUtcNow();
        }
    }

    private void CloseIdle()
    {
        List<NsmgrChannel> idle;
        lock (_lock)
        {
            var before = _time.GetUtcNow() - _options.IdleChannelTimeout;
            var expired = _channels.Where(c => c.Value.Leases == 0 && c.Value.LastUsed <= before).ToList();
            foreach (var (address, _) in expired)
            {
                _channels.Remove(address);
            }

            idle = expired.Select(c => c.Value.Channel).ToList();
        }

        // Closes its HTTP/2 connections: an NSMgr this silo no longer talks to keeps no socket of ours.
        idle.ForEach(channel => channel.Dispose());
    }

    internal sealed class Entry(NsmgrChannel channel)
    {
        public NsmgrChannel Channel { get; } = channel;

        public int Leases { get; set; }

        public DateTimeOffset LastUsed { get; set; }
    }

    /// <summary>A channel rented for one call or stream; disposing it lets the pool close the channel once idle.</summary>
    public sealed class ChannelLease : IDisposable
    {
        private readonly NsmgrChannelPool _pool;
        private readonly Entry _entry;
        private int _returned;

        internal ChannelLease(NsmgrChannelPool pool, Entry entry)
        {
            _pool = pool;
            _entry = entry;
        }

        public GrpcChannel Channel => _entry.Channel.Channel;

        /// <summary>The channel with what its connections learnt of the NSMgr's identity.</summary>
        public NsmgrChannel Nsmgr => _entry.Channel;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                _pool.Return(_entry);
            }
        }
    }
}
