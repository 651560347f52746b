using System.CommandLine;
using System.CommandLine.Parsing;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>
/// The options that say which cluster to reach, on every operator verb. Each defaults to the environment variable
/// the silo reads for the same setting, so one environment configures both.
/// </summary>
public sealed class ClusterCommandOptions
{
    public const string ProfileVariable = "Nsm__Cluster__Profile";
    public const string GatewayPortVariable = "Nsm__Cluster__GatewayPort";
    public const string RedisVariable = "Nsm__Cluster__Redis__ConnectionString";
    public const string RedisFallbackVariable = "ConnectionStrings__redis";
    public const string ClusterIdVariable = "Nsm__Cluster__ClusterId";
    public const string ServiceIdVariable = "Nsm__Cluster__ServiceId";
    public const string TlsVariable = "Nsm__Cluster__Tls__Enabled";
    public const string TlsCertificateVariable = "Nsm__Cluster__Tls__Certificate";
    public const string TlsKeyVariable = "Nsm__Cluster__Tls__Key";
    public const string TlsPasswordVariable = "Nsm__Cluster__Tls__Password";
    public const string TlsCaVariable = "Nsm__Cluster__Tls__CaCertificate";
    public const string TlsTargetHostVariable = "Nsm__Cluster__Tls__TargetHost";

    private readonly Func<string, string?> _variables;

    public ClusterCommandOptions(Func<string, string?> variables)
    {
        _variables = variables;
        Profile = new Option<ClusterProfileName>("--profile")
        {
            Description = $"Development (localhost gateways) or Redis [env {ProfileVariable}; default Development]",
            Recursive = true,
            DefaultValueFactory = result => variables(ProfileVariable) is { Length: > 0 } value
                ? ParseProfile(value, result, ProfileVariable)
                : ClusterProfileName.Development,
        };
        GatewayPorts = new Option<int[]>("--gateway-port")
        {
            Description = $"Development profile: a silo's gateway port on this machine, repeatable [env {GatewayPortVariable}, comma-separated; default 30000]",
            Recursive = true,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = result => ParsePorts(variables(GatewayPortVariable) ?? "30000", result),
        };
        GatewayPorts.Validators.Add(result =>
        {
            foreach (var port in result.GetValueOrDefault<int[]>() ?? [])
            {
                if (port is < 1 or > 65535)
                {
                    result.AddError($"--gateway-port must be between 1 and 65535 (was {port})");
                }
            }
        });
        Redis = new Option<string?>("--redis")
        {
            Description = $"Redis profile: connection string of the cluster's Redis [env {RedisVariable} or {RedisFallbackVariable}]",
            Recursive = true,
            DefaultValueFactory = _ => variables(RedisVariable) is { Length: > 0 } value ? value : variables(RedisFallbackVariable),
        };
        ClusterId = new Option<string>("--cluster-id")
        {
            Description = $"The cluster's id [env {ClusterIdVariable}; default nsm-healing]",
            Recursive = true,
            DefaultValueFactory = _ => variables(ClusterIdVariable) is { Length: > 0 } value ? value : "nsm-healing",
        };
        ServiceId = new Option<string>("--service-id")
        {
            Description = $"The cluster's service id [env {ServiceIdVariable}; default nsm-healing]",
            Recursive = true,
            DefaultValueFactory = _ => variables(ServiceIdVariable) is { Length: > 0 } value ? value : "nsm-healing",
        };
        ConnectTimeout = new Option<TimeSpan>("--connect-timeout")
        {
            Description = "How long to try reaching the cluster, e.g. 10s [default 10s]",
            Recursive = true,
            CustomParser = result => DurationParser.Parse(result, "--connect-timeout"),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        };
        Tls = new Option<bool>("--tls")
        {
            Description = $"TLS to the gateways; `--tls false` turns it off [env {TlsVariable}; default off]",
            Recursive = true,
            DefaultValueFactory = result => variables(TlsVariable) is { Length: > 0 } value && ParseSwitch(value, result, TlsVariable),
        };
        TlsCertificate = TextOption("--tls-certificate", "TLS: client certificate, PEM (with --tls-key) or PKCS#12; for gateways that require one " +
            $"(a PKCS#12 or encrypted key's password only from env {TlsPasswordVariable})", TlsCertificateVariable);
        TlsKey = TextOption("--tls-key", "TLS: PEM private key of --tls-certificate", TlsKeyVariable);
        TlsCa = TextOption("--tls-ca", "TLS: PEM bundle of the CA(s) that signed the silos' certificates [default: the system trust store]", TlsCaVariable);
        TlsTargetHost = TextOption("--tls-target-host", "TLS: the name the silos' certificates must carry [default: not checked]", TlsTargetHostVariable);
        Json = new Option<bool>("--json")
        {
            Description = "Write JSON for scripts instead of tables",
            Recursive = true,
        };
    }

    public Option<ClusterProfileName> Profile { get; }

    public Option<int[]> GatewayPorts { get; }

    public Option<string?> Redis { get; }

    public Option<string> ClusterId { get; }

    public Option<string> ServiceId { get; }

    public Option<TimeSpan> ConnectTimeout { get; }

    public Option<bool> Tls { get; }

    public Option<string?> TlsCertificate { get; }

    public Option<string?> TlsKey { get; }

    public Option<string?> TlsCa { get; }

    public Option<string?> TlsTargetHost { get; }

    public Option<bool> Json { get; }

    public IEnumerable<Option> All => [Profile, GatewayPorts, Redis, ClusterId, ServiceId, ConnectTimeout, Tls, TlsCertificate, TlsKey, TlsCa, TlsTargetHost, Json];

    /// <summary>The target the options describe; a Redis profile without a connection string is bad usage.</summary>
    public ClusterTarget Read(ParseResult parse)
    {
        var profile = parse.GetValue(Profile);
        var redis = parse.GetValue(Redis);
        if (profile == ClusterProfileName.Redis && string.IsNullOrWhiteSpace(redis))
        {
            throw CliException.Usage($"the Redis profile needs --redis (or {RedisVariable}): the connection string of the cluster's Redis");
        }

        return new ClusterTarget
        {
            Profile = profile,
            GatewayPorts = parse.GetValue(GatewayPorts) ?? [30000],
            RedisConnectionString = redis,
            ClusterId = RequireText(parse.GetValue(ClusterId), "--cluster-id"),
            ServiceId = RequireText(parse.GetValue(ServiceId), "--service-id"),
            ConnectTimeout = parse.GetValue(ConnectTimeout),
            Tls = ReadTls(parse),
        };
    }

    /// <summary>
    /// Null when TLS is off. TLS files given while it is off are bad usage: the operator meant TLS and would get plain TCP.
    /// </summary>
    private ClusterTlsTarget? ReadTls(ParseResult parse)
    {
        var tls = new ClusterTlsTarget
        {
            Certificate = parse.GetValue(TlsCertificate),
            Key = parse.GetValue(TlsKey),
            Password = _variables(TlsPasswordVariable) is { Length: > 0 } password ? password : null,
            CaCertificate = parse.GetValue(TlsCa),
            TargetHost = parse.GetValue(TlsTargetHost),
        };
        if (parse.GetValue(Tls))
        {
            return tls;
        }

        if (tls.Certificate is not null || tls.Key is not null || tls.CaCertificate is not null)
        {
            throw CliException.Usage($"--tls-certificate, --tls-key or --tls-ca is set but TLS is off: add --tls (or set {TlsVariable}=true)");
        }

        return null;
    }

    private Option<string?> TextOption(string name, string description, string variable) => new(name)
    {
        Description = $"{description} [env {variable}]",
        Recursive = true,
        DefaultValueFactory = _ => _variables(variable) is { Length: > 0 } value ? value : null,
    };

    private static bool ParseSwitch(string value, ArgumentResult result, string source)
    {
        if (bool.TryParse(value.Trim(), out var on))
        {
            return on;
        }

        result.AddError($"{source} must be true or false (was '{value}')");
        return false;
    }

    private static string RequireText(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw CliException.Usage($"{option} must not be empty") : value;

    private static ClusterProfileName ParseProfile(string value, ArgumentResult result, string source)
    {
        if (Enum.TryParse<ClusterProfileName>(value.Trim(), ignoreCase: true, out var profile) && Enum.IsDefined(profile) && !int.TryParse(value, out _))
        {
            return profile;
        }

        result.AddError($"{source} must be Development or Redis (was '{value}')");
        return default;
    }

    private static int[] ParsePorts(string value, ArgumentResult result)
    {
        var ports = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var port) || port is < 1 or > 65535)
            {
                result.AddError($"{GatewayPortVariable} must be ports between 1 and 65535, comma-separated (was '{value}')");
                return [];
            }

            ports.Add(port);
        }

        return [.. ports];
    }
}
