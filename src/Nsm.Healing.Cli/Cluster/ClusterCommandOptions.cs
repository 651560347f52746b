using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
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
        // No default value factories: a default read from the environment is checked in Read, naming the variable,
        // and help shows each default once, in the description.
        Profile = new Option<ClusterProfileName?>("--profile")
        {
            Description = $"Development (localhost gateways) or Redis [env {ProfileVariable}; default Development]",
            HelpName = "Development|Redis",
            CustomParser = result => ParseProfile(LastToken(result), "--profile", result.AddError),
        };
        GatewayPorts = new Option<int[]>("--gateway-port")
        {
            Description = $"Development profile: a silo's gateway port on this machine, repeatable [env {GatewayPortVariable}, comma-separated; default 30000]",
            HelpName = "port",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = result => [.. result.Tokens.Select(token => ParsePort(token.Value, "--gateway-port", result.AddError))],
        };
        Redis = new Option<string?>("--redis")
        {
            Description = $"Redis profile: connection string of the cluster's Redis [env {RedisVariable} or {RedisFallbackVariable}]",
        };
        ClusterId = new Option<string?>("--cluster-id") { Description = $"The cluster's id [env {ClusterIdVariable}; default nsm-healing]" };
        ServiceId = new Option<string?>("--service-id") { Description = $"The cluster's service id [env {ServiceIdVariable}; default nsm-healing]" };
        ConnectTimeout = new Option<TimeSpan?>("--connect-timeout")
        {
            Description = "How long to try reaching the cluster, e.g. 10s [default 10s]",
            HelpName = "duration",
            CustomParser = result => DurationParser.Parse(result, "--connect-timeout"),
        };
        Tls = new Option<bool?>("--tls")
        {
            Description = $"TLS to the gateways; `--tls false` turns it off [env {TlsVariable}; default off]",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result => result.Tokens.Count == 0 || ParseSwitch(LastToken(result), "--tls", result.AddError),
        };
        TlsCertificate = TextOption("--tls-certificate", "TLS: client certificate, PEM (with --tls-key) or PKCS#12; for gateways that require one " +
            $"(a PKCS#12 or encrypted key's password only from env {TlsPasswordVariable})", TlsCertificateVariable);
        TlsKey = TextOption("--tls-key", "TLS: PEM private key of --tls-certificate", TlsKeyVariable);
        TlsCa = TextOption("--tls-ca", "TLS: PEM bundle of the CA(s) that signed the silos' certificates [default: the system trust store]", TlsCaVariable);
        TlsTargetHost = TextOption("--tls-target-host", "TLS: the name the silos' certificates must carry [default: not checked]", TlsTargetHostVariable);
        Json = new Option<bool>("--json")
        {
            Description = "Write JSON for scripts instead of tables",
        };
    }

    public Option<ClusterProfileName?> Profile { get; }

    public Option<int[]> GatewayPorts { get; }

    public Option<string?> Redis { get; }

    public Option<string?> ClusterId { get; }

    public Option<string?> ServiceId { get; }

    public Option<TimeSpan?> ConnectTimeout { get; }

    public Option<bool?> Tls { get; }

    public Option<string?> TlsCertificate { get; }

    public Option<string?> TlsKey { get; }

    public Option<string?> TlsCa { get; }

    public Option<string?> TlsTargetHost { get; }

    public Option<bool> Json { get; }

    public IEnumerable<Option> All => [Profile, GatewayPorts, Redis, ClusterId, ServiceId, ConnectTimeout, Tls, TlsCertificate, TlsKey, TlsCa, TlsTargetHost, Json];

    /// <summary>
    /// The target the options describe, each unset option taken from its environment variable, then its default.
    /// A bad value from the environment, or a Redis profile without a connection string, is bad usage.
    /// </summary>
    public ClusterTarget Read(ParseResult parse)
    {
        var profile = parse.GetValue(Profile) ?? FromVariable(ProfileVariable, ParseProfile) ?? ClusterProfileName.Development;
        var redis = parse.GetValue(Redis) ?? Variable(RedisVariable) ?? Variable(RedisFallbackVariable);
        if (profile == ClusterProfileName.Redis && string.IsNullOrWhiteSpace(redis))
        {
            throw CliException.Usage($"the Redis profile needs --redis (or {RedisVariable}): the connection string of the cluster's Redis");
        }

        var ports = parse.GetValue(GatewayPorts) is { Length: > 0 } given ? given : PortsFromVariable() ?? [30000];
        return new ClusterTarget
        {
            Profile = profile,
            GatewayPorts = ports,
            RedisConnectionString = redis,
            ClusterId = RequireText(parse.GetValue(ClusterId) ?? Variable(ClusterIdVariable) ?? "nsm-healing", "--cluster-id"),
            ServiceId = RequireText(parse.GetValue(ServiceId) ?? Variable(ServiceIdVariable) ?? "nsm-healing", "--service-id"),
            ConnectTimeout = parse.GetValue(ConnectTimeout) ?? TimeSpan.FromSeconds(10),
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
            Certificate = parse.GetValue(TlsCertificate) ?? Variable(TlsCertificateVariable),
            Key = parse.GetValue(TlsKey) ?? Variable(TlsKeyVariable),
            Password = Variable(TlsPasswordVariable),
            CaCertificate = parse.GetValue(TlsCa) ?? Variable(TlsCaVariable),
            TargetHost = parse.GetValue(TlsTargetHost) ?? Variable(TlsTargetHostVariable),
        };
        if (parse.GetValue(Tls) ?? FromVariable(TlsVariable, ParseSwitch) ?? false)
        {
            return tls;
        }

        if (tls.Certificate is not null || tls.Key is not null || tls.CaCertificate is not null)
        {
            throw CliException.Usage($"--tls-certificate, --tls-key or --tls-ca is set but TLS is off: add --tls (or set {TlsVariable}=true)");
        }

        return null;
    }

    private static Option<string?> TextOption(string name, string description, string variable) => new(name)
    {
        Description = $"{description} [env {variable}]",
    };

    private string? Variable(string name) => _variables(name) is { Length: > 0 } value ? value : null;

    /// <summary>The variable's value parsed, null when unset; a value that does not parse is bad usage naming the variable.</summary>
    private T? FromVariable<T>(string name, Func<string, string, Action<string>, T> parse) where T : struct
    {
        if (Variable(name) is not { } text)
        {
            return null;
        }

        return parse(text, name, problem => throw CliException.Usage(problem));
    }

    private int[]? PortsFromVariable()
    {
        if (Variable(GatewayPortVariable) is not { } text)
        {
            return null;
        }

        var ports = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => ParsePort(part, GatewayPortVariable, _ => throw CliException.Usage($"{GatewayPortVariable} must be ports between 1 and 65535, comma-separated (was '{text}')")))
            .ToArray();
        return ports.Length > 0 ? ports : null;
    }

    private static string LastToken(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static bool ParseSwitch(string value, string source, Action<string> error)
    {
        if (bool.TryParse(value.Trim(), out var on))
        {
            return on;
        }

        error($"{source} must be true or false (was '{value}')");
        return false;
    }

    private static string RequireText(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw CliException.Usage($"{option} must not be empty") : value;

    private static ClusterProfileName ParseProfile(string value, string source, Action<string> error)
    {
        if (Enum.TryParse<ClusterProfileName>(value.Trim(), ignoreCase: true, out var profile) && Enum.IsDefined(profile) && !int.TryParse(value, out _))
        {
            return profile;
        }

        error($"{source} must be Development or Redis (was '{value}')");
        return default;
    }

    private static int ParsePort(string value, string source, Action<string> error)
    {
        if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        error($"{source} must be a port between 1 and 65535 (was '{value}')");
        return 0;
    }
}
