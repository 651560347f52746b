using System.IO;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// TLS towards NSMgrs reached by <c>https://</c> addresses. Production NSM runs mTLS with SPIFFE X.509 SVIDs:
/// point these at the SVID and trust bundle files the SPIRE agent writes. Bound from "Nsm:Nsmgr:Tls".
/// </summary>
public sealed class NsmgrTlsOptions
{
    /// <summary>PEM bundle of the authorities to trust for NSMgr certificates; null trusts the system store.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>PEM client certificate for mTLS; set together with <see cref="ClientKeyPath"/>, or neither.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>. Never logged.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>The first rule this breaks, naming the key; null when valid.</summary>
    public string? FindProblem()
    {
        const string section = "Nsm:Nsmgr:Tls";
        if ((ClientCertificatePath is null) != (ClientKeyPath is null))
        {
            return $"{section}:{nameof(ClientCertificatePath)} and {section}:{nameof(ClientKeyPath)} must be set together";
        }

        foreach (var (key, path) in new[] { (nameof(CaCertificatePath), CaCertificatePath), (nameof(ClientCertificatePath), ClientCertificatePath), (nameof(ClientKeyPath), ClientKeyPath) })
        {
            if (path is not null && !File.Exists(path))
            {
                return $"{section}:{key} names a file that does not exist: {path}";
            }
        }

        return null;
    }
}
