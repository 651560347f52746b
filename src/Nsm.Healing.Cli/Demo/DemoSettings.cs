using Nsm.Healing.Cli.Demo.Scenarios;

namespace Nsm.Healing.Cli.Demo;

/// <summary>What `nsm-heal demo` was asked to do.</summary>
public sealed record DemoSettings(
    int Connections,
    IReadOnlyList<DemoScenario> Scenarios,
    DemoProfile Profile,
    string SiloAssembly,
    TimeSpan ScenarioTimeout);
