using System.CommandLine;
using System.Reflection;
using Nsm.Healing.Cli.Demo.Scenarios;
using Nsm.Healing.Cli.Parsing;
using System.IO;

namespace Nsm.Healing.Cli.Demo;

/// <summary>`demo`: the seed's healing scenarios, live, against a real cluster of two nodes (a silo process each). Exit 0 only when every expectation is met.</summary>
public static class DemoCommand
{
    public const string SiloAssemblyVariable = "NSM_HEAL_SILO_ASSEMBLY";

    public static Command Create(CliEnvironment environment)
    {
        var connections = new Option<int?>("--connections")
        {
            Description = "NSC connections to register, spread over the two NSMgrs, 2 to 500 [default 20]",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (int.TryParse(text, out var count) && count is >= 2 and <= 500)
                {
                    return count;
                }

                result.AddError($"--connections must be a number between 2 and 500, so every NSMgr has connections (was '{text}')");
                return null;
            },
        };
        var scenarios = new Option<string?>("--scenarios")
        {
            Description = $"Comma-separated scenarios to play, in order: {string.Join(", ", DemoScenario.All.Select(s => s.Name))} or 1-{DemoScenario.All.Count} [default all]",
        };
        var profile = new Option<DemoProfile?>("--profile")
        {
            Description = "Auto (Redis when redis-server is installed), Development or Redis [default Auto]",
            HelpName = "Auto|Development|Redis",
        };
        var siloAssembly = new Option<string?>("--silo-assembly")
        {
            Description = $"Path of Nsm.Healing.Silo.dll [env {SiloAssemblyVariable}; default: the build in the source tree this tool was built from]",
        };
        var timeout = new Option<TimeSpan?>("--scenario-timeout")
        {
            Description = "How long each scenario may take to heal before it fails [default 30s]",
            HelpName = "duration",
            CustomParser = result => DurationParser.Parse(result, "--scenario-timeout"),
        };
        var command = new Command("demo", "Run the healing demo: simulator with 2 nodes, a silo process per node, NSCs (each in a network namespace when run as root), scripted faults, summary")
        {
            connections, scenarios, profile, siloAssembly, timeout,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var silo = parse.GetValue(siloAssembly) ?? (environment.GetVariable(SiloAssemblyVariable) is { Length: > 0 } path ? path : BuiltSiloAssembly());
            if (!File.Exists(silo))
            {
                // An installed tool carries no silo: the demo runs from a clone (docs/operations.md).
                throw CliException.Usage($"the silo host is not at {silo}: the demo runs from a clone of the repository; build it there " +
                    $"(dotnet build src/Nsm.Healing.Silo) or pass --silo-assembly / {SiloAssemblyVariable}");
            }

            var settings = new DemoSettings(
                parse.GetValue(connections) ?? 20,
                SelectScenarios(parse.GetValue(scenarios) ?? string.Join(",", DemoScenario.All.Select(s => s.Name))),
                parse.GetValue(profile) ?? DemoProfile.Auto,
                silo,
                parse.GetValue(timeout) ?? TimeSpan.FromSeconds(30));
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
