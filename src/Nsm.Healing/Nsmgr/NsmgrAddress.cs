namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Where an NSMgr listens: <c>http://host:port</c> (plaintext h2c), <c>https://host:port</c> (TLS),
/// <c>tcp://host:port</c> (h2c, as NSM writes it) or <c>unix:///path/to/socket</c>.
/// </summary>
public sealed record NsmgrAddress(Uri HttpUri, string? UnixSocketPath)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the rule the address breaks.</summary>
    public static NsmgrAddress Parse(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new ArgumentException("nsmgrAddress: must not be empty", nameof(address));
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"nsmgrAddress: '{address}' is not an absolute URI (expected http://host:port, https://host:port, tcp://host:port or unix:///path)", nameof(address));
        }

        switch (uri.Scheme)
        {
            case "unix":
                if (!string.IsNullOrEmpty(uri.Host))
                {
                    throw new ArgumentException($"nsmgrAddress: '{address}' has a host part '{uri.Host}'; a socket path is absolute (expected unix:///path/to/socket)", nameof(address));
                }

                if (string.IsNullOrEmpty(uri.AbsolutePath) || uri.AbsolutePath == "/")
                {
                    throw new ArgumentException($"nsmgrAddress: '{address}' names no socket path (expected unix:///path/to/socket)", nameof(address));
                }

                // The host part is meaningless for a socket; gRPC still needs an authority to put in :authority.
                return new NsmgrAddress(new Uri("http://localhost"), Uri.UnescapeDataString(uri.AbsolutePath));
            case "http" or "https" or "tcp":
                if (string.IsNullOrEmpty(uri.Host) || uri.IsDefaultPort && uri.Scheme == "tcp")
                {
                    throw new ArgumentException($"nsmgrAddress: '{address}' needs a host and a port", nameof(address));
                }

                if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
                {
                    throw new ArgumentException($"nsmgrAddress: '{address}' has a path or query; an NSMgr address is scheme://host:port only", nameof(address));
                }

                var scheme = uri.Scheme == "tcp" ? "http" : uri.Scheme;
                return new NsmgrAddress(new UriBuilder(scheme, uri.Host, uri.Port).Uri, null);
            default:
                throw new ArgumentException($"nsmgrAddress: scheme '{uri.Scheme}' is not supported (use http, https, tcp or unix)", nameof(address));
        }
    }
}
