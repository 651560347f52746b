using System.Reflection;
using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>Silo processes of the host built alongside this test project (same configuration), with timestamped log lines.</summary>
public static class TestSilos
{
    public static string HostAssembly { get; } = typeof(TestSilos).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SiloAssembly").Value!;

    public static SiloProcess Start(string name, SiloPorts ports, IReadOnlyDictionary<string, string> settings)
    {
        // Timestamps line the silos' logs up with each other and with the test's notes when a crash test fails.
        var environment = new Dictionary<string, string> { ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff " };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return SiloProcess.Start(name, HostAssembly, ports, environment);
    }
}
