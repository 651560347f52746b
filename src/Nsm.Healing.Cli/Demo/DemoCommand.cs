using System.CommandLine;
using System.Reflection;
using Nsm.Healing.Cli.Demo.Scenarios;
using Nsm.Healing.Cli.Parsing;
using System.IO;

namespace Nsm.Healing.Cli.Demo;

/// <summary>`demo`: the seed's healing scenarios, live, against a real two-silo cluster. Exit 0 only when every expectation is met.</summary>
public static class DemoCommand
{
    public const string SiloAssemblyVariable = "NSM_HEAL_SILO_ASSEMBLY";

    public static Command Create(CliEnvironment environment)
    {
        var connections = new Option<int>("--connections")
        {
            Description = "NSC connections to register, spread over the two NSMgrs [default 20]",
            DefaultValueFactory = _ => 20,
        };
        connections.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 2 or > 500)
            {
                result.AddError($"--connections must be between 2 and 500, so every NSMgr has connections (was {result.GetValueOrDefault<int>()})");
            }
        });
        var scenarios = new Option<string>("--scenarios")
        {
            Description = $"Comma-separated scenarios to play, in order: {string.Join(", ", DemoScenario.All.Select(s => s.Name))} or 1-4 [default all]",
            DefaultValueFactory = _ => string.Join(",", DemoScenario.All.Select(s => s.Name)),
        };
        var profile = new Option<DemoProfile>("--profile")
        {
            Description = "Auto (Redis when redis-server is installed), Development or Redis [default Auto]",
            DefaultValueFactory = _ => DemoProfile.Auto,
        };
        var siloAssembly = new Option<string>("--silo-assembly")
        {
            Description = $"Path of Nsm.Healing.Silo.dll [env {SiloAssemblyVariable}; default: the build next to this source tree]",
            DefaultValueFactory = _ => environment.GetVariable(SiloAssemblyVariable) is { Length: > 0 } path ? path : BuiltSiloAssembly(),
        };
        var timeout = new Option<TimeSpan>("--scenario-timeout")
        {
            Description = "How long each scenario may take to heal before it fails [default 30s]",
            CustomParser = result => DurationParser.Parse(result, "--scenario-timeout"),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
        };
        var command = new Command("demo", "Run the healing demo: simulator, 2 silo processes, NSCs, scripted faults, summary")
        {
            connections, scenarios, profile, siloAssembly, timeout,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var silo = parse.GetValue(siloAssembly)!;
            if (!File.Exists(silo))
            {
                throw CliException.Usage($"the silo host is not at {silo}: build it (dotnet build src/Nsm.Healing.Silo) or pass --silo-assembly / {SiloAssemblyVariable}");
            }

            var settings = new DemoSettings(parse.GetValue(connections), SelectScenarios(parse.GetValue(scenarios)!), parse.GetValue(profile), silo, parse.GetValue(timeout));
            return await new DemoRunner(environment, settings).RunAsync(cancellation);
        });
        return command;
    }

    private static IReadOnlyList<DemoScenario> SelectScenarios(string text)
    {
        var selected = new List<DemoScenario>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var scenario = int.TryParse(name, out var number) && number >= 1 && number <= DemoScenario.All.Count
                ? DemoScenario.All[number - 1]
                : DemoScenario.All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw CliException.Usage($"--scenarios: unknown scenario '{name}'; choose from {string.Join(", ", DemoScenario.All.Select(s => s.Name))} or 1-{DemoScenario.All.Count}");
            if (!selected.Contains(scenario))
            {
                selected.Add(scenario);
            }
        }

        return selected.Count > 0 ? selected : throw CliException.Usage("--scenarios must name at least one scenario");
    }

    private static string BuiltSiloAssembly() => typeof(DemoCommand).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SiloAssembly").Value!;
}
