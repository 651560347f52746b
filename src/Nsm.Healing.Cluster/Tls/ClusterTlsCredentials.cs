using System.IO;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.Cluster.Tls;

/// <summary>
/// <see cref="ClusterTlsOptions"/> with its files read: this process's certificate (with its chain) and the authorities
/// trusted for peers. Loading checks every file, so a bad setting is a start-up message naming the key, not a failed handshake later.
/// </summary>
public sealed class ClusterTlsCredentials
{
    private ClusterTlsCredentials(SslStreamCertificateContext? certificate, X509Certificate2Collection? authorities, ClusterTlsOptions options)
    {
        Certificate = certificate;
        TrustedAuthorities = authorities;
        RequireClientCertificate = options.RequireClientCertificate;
        TargetHost = string.IsNullOrWhiteSpace(options.TargetHost) ? null : options.TargetHost.Trim();
    }

    /// <summary>This process's certificate and intermediates; null for a client that has none.</summary>
    public SslStreamCertificateContext? Certificate { get; }

    /// <summary>The authorities peers' certificates must chain to; null trusts the system store.</summary>
    public X509Certificate2Collection? TrustedAuthorities { get; }

    /// <summary>Silo only: gateway clients must present a trusted certificate.</summary>
    public bool RequireClientCertificate { get; }

    /// <summary>The name a silo's certificate must carry; null when not checked.</summary>
    public string? TargetHost { get; }

    /// <param name="options">The settings as configured.</param>
    /// <param name="section">The configuration section the options came from, named in every problem.</param>
    /// <param name="certificateRequired">A silo must have a certificate; a client only when the gateway asks for one.</param>
    /// <returns>The credentials, or null and every problem found (never a password).</returns>
    public static (ClusterTlsCredentials? Credentials, IReadOnlyList<string> Problems) Load(ClusterTlsOptions options, string section, bool certificateRequired)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        string Key(string name) => $"{section}:{name}";

        SslStreamCertificateContext? certificate = null;
        if (string.IsNullOrWhiteSpace(options.Certificate))
        {
            if (certificateRequired)
            {
                problems.Add($"{Key(nameof(options.Certificate))} is required when TLS is enabled: a silo presents it to other silos and to clients");
            }

            if (options.Key is not null)
            {
                problems.Add($"{Key(nameof(options.Key))} is set without {nameof(options.Certificate)}");
            }
        }
        else
        {
            certificate = LoadCertificate(options, Key, problems);
        }

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(options.CaCertificate))
        {
            authorities = LoadAuthorities(options.CaCertificate, Key(nameof(options.CaCertificate)), problems);
        }

        if (options.TargetHost is { } host && !string.IsNullOrWhiteSpace(host)
            && Uri.CheckHostName(host.Trim()) != UriHostNameType.Dns && !IPAddress.TryParse(host.Trim(), out _))
        {
            problems.Add($"{Key(nameof(options.TargetHost))} must be a DNS name or an IP address (was '{host}')");
        }

        return problems.Count == 0 ? (new ClusterTlsCredentials(certificate, authorities, options), problems) : (null, problems);
    }

    /// <summary>
    /// TLS files configured while TLS is off: the operator meant TLS and would silently get plain TCP. Null when consistent.
    /// </summary>
    public static string? ConfiguredButDisabled(ClusterTlsOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configured = new[] { (nameof(options.Certificate), options.Certificate), (nameof(options.Key), options.Key), (nameof(options.CaCertificate), options.CaCertificate) }
            .Where(setting => !string.IsNullOrWhiteSpace(setting.Item2))
            .Select(setting => setting.Item1)
            .ToList();
        return options.Enabled || configured.Count == 0
            ? null
            : $"{section}:{string.Join(", ", configured)} set, but {section}:{nameof(options.Enabled)} is false: set it to true, or remove the TLS settings";
    }

    private static SslStreamCertificateContext? LoadCertificate(ClusterTlsOptions options, Func<string, string> key, List<string> problems)
    {
        var path = options.Certificate!;
        var certificateKey = key(nameof(options.Certificate));
        if (!File.Exists(path))
        {
            problems.Add($"{certificateKey}: file '{path}' does not exist");
            return null;
        }

        var loaded = options.Key is null
            ? LoadPkcs12(path, options.Password, certificateKey, key(nameof(options.Password)), key(nameof(options.Key)), problems)
            : LoadPem(path, options.Key, options.Password, certificateKey, key(nameof(options.Key)), key(nameof(options.Password)), problems);
        if (loaded is not var (leaf, intermediates))
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        if (leaf.NotAfter < now || leaf.NotBefore > now)
        {
            problems.Add($"{certificateKey}: '{path}' ({leaf.Subject}) is valid only from {leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u}");
            return null;
        }

        // Offline: the chain is built from the intermediates given here, never fetched.
        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates)? LoadPem(
        string certificatePath, string keyPath, string? password, string certificateKey, string keyKey, string passwordKey, List<string> problems)
    {
        if (!File.Exists(keyPath))
        {
            problems.Add($"{keyKey}: file '{keyPath}' does not exist");
            return null;
        }

        X509Certificate2 pem;
        try
        {
            pem = password is null
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: the key is not the certificate's.
            var encrypted = File.ReadAllText(keyPath).Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
            problems.Add((password, encrypted) switch
            {
                (null, true) => $"{keyKey}: '{keyPath}' is encrypted: set {passwordKey}",
                (not null, true) => $"{keyKey}: '{keyPath}' cannot be decrypted with {passwordKey} (wrong password?), or it is not the key of {certificateKey}: {e.Message}",
                (not null, false) => $"{keyKey}: '{keyPath}' is not an encrypted PKCS#8 key, but {passwordKey} is set: {e.Message}",
                _ => $"{certificateKey} with {keyKey}: '{certificatePath}' and '{keyPath}' are not a PEM certificate and its private key: {e.Message}",
            });
            return null;
        }

        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var intermediates = new X509Certificate2Collection(all.Where(c => c.Thumbprint != pem.Thumbprint).ToArray());
        using (pem)
        {
            // SslStream on Linux presents a key only from a PKCS#12 form; a PEM key is ephemeral.
            return (X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null), intermediates);
        }
    }

    private static (X509Certificate2 Leaf, X509Certificate2Collection Intermediates)? LoadPkcs12(
        string path, string? password, string certificateKey, string passwordKey, string keyKey, List<string> problems)
    {
        if (File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            problems.Add($"{certificateKey}: '{path}' is PEM: set {keyKey} to its private key file (or give a PKCS#12 .pfx file)");
            return null;
        }

        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password);
        }
        catch (CryptographicException e)
        {
            problems.Add(password is null
                ? $"{certificateKey}: '{path}' is not a PKCS#12 file, or it needs {passwordKey}: {e.Message}"
                : $"{certificateKey}: '{path}' cannot be opened with {passwordKey} (wrong password?), or is not a PKCS#12 file: {e.Message}");
            return null;
        }

        if (all.FirstOrDefault(c => c.HasPrivateKey) is not { } leaf)
        {
            problems.Add($"{certificateKey}: '{path}' holds no certificate with its private key");
            return null;
        }

        return (leaf, new X509Certificate2Collection(all.Where(c => !ReferenceEquals(c, leaf)).ToArray()));
    }

    private static X509Certificate2Collection? LoadAuthorities(string path, string key, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{key}: file '{path}' does not exist");
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            problems.Add($"{key}: '{path}' is not a PEM certificate bundle: {e.Message}");
            return null;
        }

        if (authorities.Count == 0)
        {
            problems.Add($"{key}: '{path}' holds no PEM certificate");
            return null;
        }

        return authorities;
    }
}
