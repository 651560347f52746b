using Nsm.Identity;

namespace Nsm.Healing.Identity;

/// <summary>Source=None: there is no SVID; NSMgr channels speak h2c and calls carry no token.</summary>
public sealed class PlaintextIdentity : IX509SvidSource
{
    public X509Svid Current => throw new IdentityUnavailableException($"identity is off ({IdentityOptions.Section}:{nameof(IdentityOptions.Source)}=None)");
}
