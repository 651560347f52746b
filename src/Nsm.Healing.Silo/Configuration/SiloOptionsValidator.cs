using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nsm.Healing.Cluster;
using Nsm.Healing.Cluster.Tls;
using StackExchange.Redis;

namespace Nsm.Healing.Silo.Configuration;

/// <summary>The rules of <see cref="HealingSiloOptions"/>, each broken rule a message naming its key. Pure, apart from loading the certificate files it names.</summary>
public static class SiloOptionsValidator
{
    public static IReadOnlyList<string> Problems(HealingSiloOptions options)
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Check(!string.IsNullOrWhiteSpace(options.ClusterId), $"{Key(nameof(options.ClusterId))} must not be empty");
        Check(!string.IsNullOrWhiteSpace(options.ServiceId), $"{Key(nameof(options.ServiceId))} must not be empty");
        CheckPort(nameof(options.SiloPort), options.SiloPort);
        CheckPort(nameof(options.GatewayPort), options.GatewayPort);
        CheckPort(nameof(options.HttpPort), options.HttpPort);
        Check(new[] { options.SiloPort, options.GatewayPort, options.HttpPort }.Distinct().Count() == 3,
            $"{Key(nameof(options.SiloPort))}, {nameof(options.GatewayPort)} and {nameof(options.HttpPort)} must differ " +
            $"(were {options.SiloPort}, {options.GatewayPort}, {options.HttpPort})");
        Check(string.IsNullOrWhiteSpace(options.HttpBindAddress) || IPAddress.TryParse(options.HttpBindAddress, out _),
            $"{Key(nameof(options.HttpBindAddress))} must be an IP address to listen on, e.g. 127.0.0.1, 0.0.0.0 or :: (was '{options.HttpBindAddress}')");
        Check(options.ShutdownTimeout > TimeSpan.Zero, $"{Key(nameof(options.ShutdownTimeout))} must be positive (was {options.ShutdownTimeout})");
        Check(Enum.IsDefined(options.Profile), $"{Key(nameof(options.Profile))} must be one of {string.Join(", ", Enum.GetNames<ClusterProfile>())}");

        if (options.Profile == ClusterProfile.Development)
        {
            Check(string.IsNullOrWhiteSpace(options.AdvertisedAddress),
                $"{Key(nameof(options.AdvertisedAddress))} applies to the Redis profile only; the Development profile always uses loopback");
            Check(options.PrimarySiloEndpoint is null || IPEndPoint.TryParse(options.PrimarySiloEndpoint, out var primary) && primary.Port > 0,
                $"{Key(nameof(options.PrimarySiloEndpoint))} must be ip:port, e.g. 127.0.0.1:11111 (was '{options.PrimarySiloEndpoint}')");
        }
        else
        {
            Check(options.PrimarySiloEndpoint is null,
                $"{Key(nameof(options.PrimarySiloEndpoint))} applies to the Development profile only; the Redis profile finds silos through Redis");
            Check(options.AdvertisedAddress is null || IPAddress.TryParse(options.AdvertisedAddress, out _) || Uri.CheckHostName(options.AdvertisedAddress) == UriHostNameType.Dns,
                $"{Key(nameof(options.AdvertisedAddress))} must be an IP address or a host name (was '{options.AdvertisedAddress}')");
            problems.AddRange(RedisProblems(options.Redis));
        }

        problems.AddRange(FailureDetectionProblems(options.FailureDetection));
        problems.AddRange(TlsProblems(options.Tls));
        problems.AddRange(TelemetryProblems(options.Telemetry));
        return problems;

        void CheckPort(string name, int port) => Check(port is > 0 and <= 65535, $"{Key(name)} must be between 1 and 65535 (was {port})");
    }

    private static IEnumerable<string> RedisProblems(RedisConnectionOptions redis)
    {
        if (string.IsNullOrWhiteSpace(redis.ConnectionString))
        {
            yield return $"{RedisConnectionOptions.ConnectionStringKey} (or {RedisConnectionOptions.FallbackConnectionStringKey}) is required by the Redis profile";
        }
        else if (ParseProblem(redis.ConnectionString) is { } problem)
        {
            // The parser may quote the value it choked on; a connection string can carry a password.
            yield return $"{redis.ConnectionStringSource} is not a valid Redis connection string: {SecretRedaction.RedisConnectionString(problem)}";
        }

        if (redis.ConnectTimeout <= TimeSpan.Zero || redis.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"{RedisKey(nameof(redis.ConnectTimeout))} must be positive and at most 5 minutes (was {redis.ConnectTimeout})";
        }

        if (redis.CaCertificate is not null && CertificateProblem(redis.CaCertificate, () => X509CertificateLoader.LoadCertificateFromFile(redis.CaCertificate)) is { } caProblem)
        {
            yield return $"{RedisKey(nameof(redis.CaCertificate))}: {caProblem}";
        }

        if ((redis.ClientCertificate is null) != (redis.ClientKey is null))
        {
            yield return $"{RedisKey(nameof(redis.ClientCertificate))} and {nameof(redis.ClientKey)} go together: set both for mutual TLS, or neither";
        }
        else if (redis is { ClientCertificate: { } certificate, ClientKey: { } key }
                 && CertificateProblem(certificate, () => X509Certificate2.CreateFromPemFile(certificate, key)) is { } clientProblem)
        {
            yield return $"{RedisKey(nameof(redis.ClientCertificate))} with {nameof(redis.ClientKey)}: {clientProblem}";
        }
    }

    /// <summary>Loads the certificate now, so a missing or unreadable file is a start-up message, not a failed handshake later.</summary>
    private static string? CertificateProblem(string path, Func<X509Certificate2> load)
    {
        if (!File.Exists(path))
        {
            return $"file '{path}' does not exist";
        }

        try
        {
            load().Dispose();
            return null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: the key is not the certificate's.
            return $"'{path}' is not a usable PEM certificate (and key): {e.Message}";
        }
    }

    private static IEnumerable<string> FailureDetectionProblems(FailureDetectionOptions detection)
    {
        static string FdKey(string name) => $"{FailureDetectionOptions.Section}:{name}";

        if (detection.ProbeTimeout <= TimeSpan.Zero)
        {
            yield return $"{FdKey(nameof(detection.ProbeTimeout))} must be positive (was {detection.ProbeTimeout})";
        }

        if (detection.MissedProbesLimit < 1)
        {
            yield return $"{FdKey(nameof(detection.MissedProbesLimit))} must be at least 1 (was {detection.MissedProbesLimit})";
        }

        if (detection.VotesForDeathDeclaration < 1)
        {
            yield return $"{FdKey(nameof(detection.VotesForDeathDeclaration))} must be at least 1 (was {detection.VotesForDeathDeclaration})";
        }

        // A vote must outlive the probes that lead to it, or suspicions expire before they can add up.
        var suspicionTime = detection.ProbeTimeout * detection.MissedProbesLimit;
        if (detection.DeathVoteExpirationTimeout <= suspicionTime)
        {
            yield return $"{FdKey(nameof(detection.DeathVoteExpirationTimeout))} must be longer than {nameof(detection.ProbeTimeout)} × " +
                $"{nameof(detection.MissedProbesLimit)} ({suspicionTime}) (was {detection.DeathVoteExpirationTimeout})";
        }

        if (detection.TableRefreshTimeout <= TimeSpan.Zero)
        {
            yield return $"{FdKey(nameof(detection.TableRefreshTimeout))} must be positive (was {detection.TableRefreshTimeout})";
        }

        if (detection.IAmAlivePublishPeriod <= TimeSpan.Zero)
        {
            yield return $"{FdKey(nameof(detection.IAmAlivePublishPeriod))} must be positive (was {detection.IAmAlivePublishPeriod})";
        }

        if (detection.MissedIAmAliveLimit < 1)
        {
            yield return $"{FdKey(nameof(detection.MissedIAmAliveLimit))} must be at least 1 (was {detection.MissedIAmAliveLimit})";
        }
    }

    /// <summary>Loads the certificate files now: a missing file, an unreadable key or a wrong password is a start-up message.</summary>
    private static IReadOnlyList<string> TlsProblems(ClusterTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return ClusterTlsCredentials.ConfiguredButDisabled(tls, ClusterTlsOptions.Section) is { } problem ? [problem] : [];
        }

        return ClusterTlsCredentials.Load(tls, ClusterTlsOptions.Section, certificateRequired: true).Problems;
    }

    private static IEnumerable<string> TelemetryProblems(TelemetryOptions telemetry)
    {
        if (telemetry.OtlpEndpoint is { } endpoint
            && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query)))
        {
            yield return $"{TelemetryOptions.Section}:{nameof(telemetry.OtlpEndpoint)} must be an absolute http:// or https:// URL, e.g. http://otel-collector:4317 (was '{endpoint}')";
        }

        if (!Enum.IsDefined(telemetry.OtlpProtocol))
        {
            yield return $"{TelemetryOptions.Section}:{nameof(telemetry.OtlpProtocol)} must be one of {string.Join(", ", Enum.GetNames(telemetry.OtlpProtocol.GetType()))}";
        }
    }

    private static string? ParseProblem(string connectionString)
    {
        try
        {
            return ConfigurationOptions.Parse(connectionString).EndPoints.Count == 0 ? "it names no host:port" : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static string Key(string name) => $"{HealingSiloOptions.Section}:{name}";

    private static string RedisKey(string name) => $"{RedisConnectionOptions.Section}:{name}";
}
