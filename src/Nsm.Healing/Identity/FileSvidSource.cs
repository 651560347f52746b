using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Nsm.Identity;

namespace Nsm.Healing.Identity;

/// <summary>
/// An SVID from PEM files, for operators without a SPIRE agent socket (e.g. spiffe-helper writing files). The files are
/// re-read when one of them changes, so a rotation on disk applies to new connections without a restart.
/// </summary>
public sealed class FileSvidSource(IdentityOptions options, TimeProvider time, ILogger logger) : IX509SvidSource
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private (X509Svid Svid, DateTime[] Written)? _loaded;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;
    private string _lastError = "not read yet";

    public X509Svid Current
    {
        get
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (_loaded is null || now - _checkedAt >= CheckInterval)
                {
                    _checkedAt = now;
                    Reload();
                }

                var svid = _loaded?.Svid ?? throw new IdentityUnavailableException($"no SVID from the files {options.CertificatePath} / {options.KeyPath} ({_lastError})");
                return svid.NotAfter > now
                    ? svid
                    : throw new IdentityUnavailableException($"the SVID {svid.Id} in {options.CertificatePath} expired at {svid.NotAfter:O}");
            }
        }
    }

    private void Reload()
    {
        string[] paths = [options.CertificatePath!, options.KeyPath!, options.BundlePath!];
        try
        {
            var written = paths.Select(File.GetLastWriteTimeUtc).ToArray();
            if (_loaded is { } loaded && loaded.Written.SequenceEqual(written))
            {
                return;
            }

            var svid = Read(paths[0], paths[1], paths[2]);
            _loaded = (svid, written);
            IdentityLog.SvidReceived(logger, svid.Id.ToString(), paths[0], svid.NotAfter);
        }
        catch (Exception e) when (e is IOException or CryptographicException or ArgumentException or UnauthorizedAccessException)
        {
            // A half-written rotation: keep the SVID we have and try again at the next check.
            _lastError = e.Message;
            IdentityLog.SvidFilesUnreadable(logger, e.Message);
        }
    }

    private static X509Svid Read(string certificatePath, string keyPath, string bundlePath)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificatePath);
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(bundlePath);
        using var leaf = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var id = SpiffeId.FromCertificate(leaf) ?? throw new ArgumentException($"{certificatePath} names no SPIFFE ID (one spiffe:// URI SAN)");
        if (bundle.Count == 0)
        {
            throw new ArgumentException($"{bundlePath} holds no certificate");
        }

        var persisted = X509CertificateLoader.LoadPkcs12(leaf.Export(X509ContentType.Pkcs12), password: null);
        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(chain.Skip(1).ToArray());
        return new X509Svid(id, persisted, intermediates, bundle);
    }
}
