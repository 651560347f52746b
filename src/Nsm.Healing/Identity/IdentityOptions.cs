using System.IO;
using Nsm.Identity;

namespace Nsm.Healing.Identity;

/// <summary>Where the silo's SPIFFE identity comes from and how its NSM tokens are made. Bound from "Nsm:Identity".</summary>
public sealed class IdentityOptions
{
    public const string Section = "Nsm:Identity";

    /// <summary>The environment variable SPIFFE libraries read the Workload API socket from.</summary>
    public const string EndpointVariable = "SPIFFE_ENDPOINT_SOCKET";

    /// <summary><see cref="IdentitySource.WorkloadApi"/> (the default, as every NSM runs SPIRE), Files, or None (plaintext, tokenless).</summary>
    public IdentitySource Source { get; set; } = IdentitySource.WorkloadApi;

    /// <summary>The Workload API socket, as a path or unix:///path; when unset, SPIFFE_ENDPOINT_SOCKET.</summary>
    public string? WorkloadApiSocket { get; set; }

    /// <summary>How long start-up waits for the first SVID before the silo fails, naming the socket.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect delays to the Workload API grow (full jitter, doubling) up to this.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>With Source=Files: PEM certificate chain of the SVID (leaf first).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>With Source=Files: PEM private key of the SVID. Never logged.</summary>
    public string? KeyPath { get; set; }

    /// <summary>With Source=Files: PEM trust bundle NSMgr certificates are checked against.</summary>
    public string? BundlePath { get; set; }

    /// <summary>The longest a token lives (NSM's default: 10 min); its SVID's and the NSMgr certificate's expiry cap it further.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>When non-empty, the only NSMgr SPIFFE IDs accepted; otherwise any ID of the trust domain (upstream AuthorizeAny).</summary>
    public List<string> AllowedNsmgrIds { get; set; } = [];

    /// <summary>The socket path to dial: the option, else the environment variable, without a unix:// prefix.</summary>
    public string? ResolvedSocket(Func<string, string?> environment)
    {
        var configured = WorkloadApiSocket is { Length: > 0 } socket ? socket : environment(EndpointVariable);
        return string.IsNullOrEmpty(configured) ? null : configured.StartsWith("unix://", StringComparison.Ordinal) ? configured["unix://".Length..] : configured;
    }

    /// <summary>Every rule this breaks, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems(Func<string, string?> environment)
    {
        var problems = new OptionsProblems(Section);
        problems.Check(MaxTokenLifetime > TimeSpan.Zero, nameof(MaxTokenLifetime), $"must be positive (was {MaxTokenLifetime})");
        problems.Check(StartupTimeout > TimeSpan.Zero, nameof(StartupTimeout), $"must be positive (was {StartupTimeout})");
        problems.Check(ReconnectMaxDelay > TimeSpan.Zero, nameof(ReconnectMaxDelay), $"must be positive (was {ReconnectMaxDelay})");
        foreach (var id in AllowedNsmgrIds)
        {
            if (!SpiffeId.TryParse(id, out _, out var problem))
            {
                problems.Check(false, nameof(AllowedNsmgrIds), $"has '{id}', which is not a SPIFFE ID: {problem}");
            }
        }

        switch (Source)
        {
            case IdentitySource.WorkloadApi:
                var socket = ResolvedSocket(environment);
                problems.Check(socket is not null, nameof(WorkloadApiSocket),
                    $"is not set and neither is {EndpointVariable}: name the SPIRE agent socket (e.g. unix:///run/spire/sockets/agent.sock), or set {Section}:{nameof(Source)}=Files or None");
                problems.Check(socket is null || Path.IsPathFullyQualified(socket), nameof(WorkloadApiSocket), $"'{socket}' is not an absolute socket path");
                break;
            case IdentitySource.Files:
                foreach (var (key, path) in new[] { (nameof(CertificatePath), CertificatePath), (nameof(KeyPath), KeyPath), (nameof(BundlePath), BundlePath) })
                {
                    problems.Check(path is not null, key, $"must be set when {Section}:{nameof(Source)} is Files");
                    problems.Check(path is null || File.Exists(path), key, $"names a file that does not exist: {path}");
                }

                break;
            case IdentitySource.None:
                break;
            default:
                problems.Check(false, nameof(Source), "must be WorkloadApi, Files or None");
                break;
        }

        return problems.All;
    }
}

public enum IdentitySource
{
    /// <summary>The SPIFFE Workload API (the SPIRE agent on the node).</summary>
    WorkloadApi,

    /// <summary>PEM files (an SVID written by spiffe-helper or another tool), re-read when they change.</summary>
    Files,

    /// <summary>Plaintext h2c and no tokens: only for a simulator or NSMgr run without security.</summary>
    None,
}
