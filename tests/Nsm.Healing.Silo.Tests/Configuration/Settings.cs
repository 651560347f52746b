using Microsoft.Extensions.Configuration;

namespace Nsm.Healing.Silo.Tests.Configuration;

/// <summary>Configuration as the silo would read it, from key/value pairs ("Nsm:Cluster:Profile" = "Redis").</summary>
public static class Settings
{
    public static IConfiguration Of(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
