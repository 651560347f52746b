using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace Nsm.Healing;

/// <summary>
/// Where an NSMgr listens: <c>http://host:port</c> (plaintext h2c), <c>https://host:port</c> (TLS),
/// <c>tcp://host:port</c> (h2c, as NSM writes it) or <c>unix:///path/to/socket</c>.
/// One parser for the NSC client, the CLI, the grains and the monitor, so every spelling of one NSMgr has one
/// <see cref="Canonical"/> form, and grain keys and metric tags built from it name one NSMgr once.
/// </summary>
public sealed record NsmgrAddress(Uri HttpUri, string? UnixSocketPath)
{
    /// <summary>
    /// The one spelling of this NSMgr: <c>http://host:port</c> or <c>https://host:port</c> with the host lower-cased,
    /// the port always written and no trailing slash (<c>tcp://</c> becomes <c>http://</c>), or <c>unix:///path</c>
    /// with the path normalised.
    /// </summary>
    public string Canonical => UnixSocketPath is { } path
        ? "unix://" + path.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal)
        : $"{HttpUri.Scheme}://{HttpUri.Host}:{HttpUri.Port}";

    /// <summary>The <see cref="Canonical"/> spelling.</summary>
    public override string ToString() => Canonical;

    /// <summary>The canonical form of <paramref name="address"/>; throws like <see cref="Parse"/>.</summary>
    public static string Canonicalize(string? address) => Parse(address).Canonical;

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule the address breaks.</summary>
    public static NsmgrAddress Parse(string? address) =>
        TryParse(address, out var parsed, out var problem) ? parsed : throw new ArgumentException($"nsmgrAddress: {problem}", nameof(address));

    /// <summary>False, with the rule the address breaks (quoting it), when it is not an NSMgr address.</summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out NsmgrAddress? parsed, [NotNullWhen(false)] out string? problem)
    {
        parsed = null;
        problem = FindProblem(address, out var uri);
        if (problem is null)
        {
            parsed = uri!.Scheme == "unix" ? Unix(uri) : Network(uri);
            problem = parsed is null ? $"'{address}' names no socket path (expected unix:///path/to/socket)" : null;
        }

        return problem is null;
    }

    private static string? FindProblem(string? address, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            return "must not be empty";
        }

        if (!Uri.TryCreate(address.Trim(), UriKind.Absolute, out uri))
        {
            return $"'{address}' is not an absolute URI (expected http://host:port, https://host:port, tcp://host:port or unix:///path)";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return $"'{address}' has a user, query or fragment part; an NSMgr address has none";
        }

        return uri.Scheme switch
        {
            "unix" when !string.IsNullOrEmpty(uri.Host) => $"'{address}' has a host part '{uri.Host}'; a socket path is absolute (expected unix:///path/to/socket)",
            "unix" => null,
            "http" or "https" or "tcp" when string.IsNullOrEmpty(uri.Host) || uri.IsDefaultPort && uri.Scheme == "tcp" => $"'{address}' needs a host and a port",
            "http" or "https" or "tcp" when uri.AbsolutePath != "/" => $"'{address}' has a path; an NSMgr address is scheme://host:port only",
            "http" or "https" or "tcp" => null,
            _ => $"scheme '{uri.Scheme}' is not supported (use http, https, tcp or unix)",
        };
    }

    private static NsmgrAddress? Unix(Uri uri)
    {
        // Lexical only ("//", "." and ".." collapse); the socket need not exist yet, and symlinks are left alone.
        var written = Uri.UnescapeDataString(uri.AbsolutePath);
        var path = written.StartsWith('/') ? Path.GetFullPath(written).TrimEnd('/') : "";

        // The host part is meaningless for a socket; gRPC still needs an authority to put in :authority.
        return path.Length == 0 ? null : new NsmgrAddress(new Uri("http://localhost"), path);
    }

    private static NsmgrAddress Network(Uri uri) =>
        new(new UriBuilder(uri.Scheme == "tcp" ? "http" : uri.Scheme, uri.Host, uri.Port).Uri, null);
}
