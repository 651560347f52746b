using System.Reflection;
using Microsoft.Extensions.Configuration;
using Nsm.Healing.Custody;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Silo.Configuration;

/// <summary>
/// Reads the silo's options before anything starts, so a typo or a bad value stops the silo with a message
/// naming the key rather than a stack trace from deep inside Orleans.
/// </summary>
public static class SiloConfiguration
{
    /// <exception cref="InvalidSiloConfigurationException">Every problem found, each naming its key.</exception>
    public static HealingSiloOptions Load(IConfiguration configuration)
    {
        var profileKey = $"{HealingSiloOptions.Section}:{nameof(HealingSiloOptions.Profile)}";
        if (configuration[profileKey] is { } profile && !IsProfileName(profile))
        {
            // The binder would also accept numbers; only the names mean something to an operator.
            throw new InvalidSiloConfigurationException(
                [$"{profileKey} must be one of {string.Join(", ", Enum.GetNames<ClusterProfile>())} (was '{profile}')"]);
        }

        var problems = new List<string>();
        var section = configuration.GetSection(HealingSiloOptions.Section);
        // A misspelt key would otherwise be silently ignored and its default used.
        problems.AddRange(UnknownKeys(section, typeof(HealingSiloOptions)));
        var options = Bind<HealingSiloOptions>(configuration, HealingSiloOptions.Section, problems) ?? new HealingSiloOptions();
        if (string.IsNullOrWhiteSpace(options.Redis.ConnectionString) && configuration[RedisConnectionOptions.FallbackConnectionStringKey] is { Length: > 0 } fallback)
        {
            options.Redis.ConnectionString = fallback;
            options.Redis.ConnectionStringSource = RedisConnectionOptions.FallbackConnectionStringKey;
        }

        problems.AddRange(UnknownKeys(configuration.GetSection(TelemetryOptions.Section), typeof(TelemetryOptions)));
        options.Telemetry = Bind<TelemetryOptions>(configuration, TelemetryOptions.Section, problems) ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(options.Telemetry.OtlpEndpoint))
        {
            // An empty environment variable means "not set", as it does for the collector address everywhere else.
            options.Telemetry.OtlpEndpoint = null;
        }

        // These sections belong to Nsm.Healing, which checks them again when the silo starts; checked here too so that
        // their problems are listed with every other one, in one message, before anything starts. The identity section
        // is checked at start only: its rules read the process environment and the SVID files as they are then.
        problems.AddRange(Bind(configuration, NsmgrClientOptions.Section, problems, new NsmgrClientOptions()).Problems());
        problems.AddRange(Bind(configuration, ConnectionGrainOptions.Section, problems, new ConnectionGrainOptions()).Problems());
        problems.AddRange(Bind(configuration, MonitorOptions.Section, problems, new MonitorOptions()).Problems());
        problems.AddRange(Bind(configuration, CustodyOptions.Section, problems, new CustodyOptions()).Problems());
        Bind<IdentityOptions>(configuration, IdentityOptions.Section, problems);

        problems.AddRange(SiloOptionsValidator.Problems(options));
        return problems.Count == 0 ? options : throw new InvalidSiloConfigurationException(problems);
    }

    /// <summary>The section bound over <paramref name="defaults"/>; the defaults alone when it cannot be (the problem is recorded).</summary>
    private static T Bind<T>(IConfiguration configuration, string section, List<string> problems, T defaults) where T : class
    {
        try
        {
            configuration.GetSection(section).Bind(defaults);
            return defaults;
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
            return defaults;
        }
    }

    private static bool IsProfileName(string value) =>
        Enum.GetNames<ClusterProfile>().Any(name => string.Equals(name, value.Trim(), StringComparison.OrdinalIgnoreCase));

    private static T? Bind<T>(IConfiguration configuration, string section, List<string> problems)
    {
        try
        {
            return configuration.GetSection(section).Get<T>();
        }
        catch (InvalidOperationException e)
        {
            // The binder's message names the key, the value and the type it wanted.
            problems.Add(e.Message);
            return default;
        }
    }

    /// <summary>Keys under <paramref name="section"/> that match no property of <paramref name="type"/>, at any depth.</summary>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, Type type)
    {
        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property?.SetMethod is not { IsPublic: true })
            {
                yield return $"{child.Path} is not a setting (misspelt?)";
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var unknown in UnknownKeys(child, property.PropertyType))
                {
                    yield return unknown;
                }
            }
        }
    }
}
