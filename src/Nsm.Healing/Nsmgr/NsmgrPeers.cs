using System.Security.Cryptography.X509Certificates;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The certificates an NSMgr presented on the connections of one channel, newest first. The token's <c>aud</c> and
/// expiry come from the newest; the answer check accepts any of the few recent ones, since an HTTP/2 connection
/// opened before the NSMgr renewed its SVID still carries the older certificate.
/// </summary>
public sealed class NsmgrPeers
{
    private const int Kept = 4;

    private readonly Lock _gate = new();
    private readonly List<SpiffePeer> _seen = [];
    private string? _lastRefusal;

    public SpiffePeer? Latest
    {
        get
        {
            lock (_gate)
            {
                return _seen.Count > 0 ? _seen[0] : null;
            }
        }
    }

    /// <summary>Why the last handshake refused the NSMgr, until one accepts it again; null when none was refused.</summary>
    public string? LastRefusal
    {
        get
        {
            lock (_gate)
            {
                return _lastRefusal;
            }
        }
    }

    /// <summary>The newest certificate, unless it has expired: then the NSMgr must be asked again for its current one.</summary>
    public SpiffePeer? LatestValid(DateTime utcNow) => Latest is { } latest && latest.Certificate.NotAfter.ToUniversalTime() > utcNow ? latest : null;

    public void Refused(string problem)
    {
        lock (_gate)
        {
            _lastRefusal = problem;
        }
    }

    public void Remember(SpiffePeer peer)
    {
        lock (_gate)
        {
            _lastRefusal = null;
            _seen.RemoveAll(p => p.Certificate.Thumbprint == peer.Certificate.Thumbprint);
            _seen.Insert(0, peer);
            if (_seen.Count > Kept)
            {
                _seen.RemoveAt(Kept);
            }
        }
    }

    /// <summary>The recent certificate whose key signed <paramref name="token"/>, or null.</summary>
    public X509Certificate2? Signer(string token)
    {
        List<SpiffePeer> seen;
        lock (_gate)
        {
            seen = [.. _seen];
        }

        return seen.Select(p => p.Certificate).FirstOrDefault(certificate => NsmTokens.IsSignedBy(token, certificate));
    }
}
