using System.Text.RegularExpressions;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>
/// An operator alerting on Warning and Error sees nothing from the monitor supervisor when two silos start cleanly,
/// the second joining through the first: it starts only once its silo is active and can place the monitor directory.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class CleanStartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_clean_start_of_two_silos_logs_nothing_at_warning_or_error_from_the_monitor_supervisor()
    {
        var ports = SiloPorts.TakeFree(2);
        await using var first = TestSilos.Start("first", ports[0], new Dictionary<string, string>());
        await first.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await using var joining = TestSilos.Start("joining", ports[1], new Dictionary<string, string>
        {
            ["Nsm__Cluster__PrimarySiloEndpoint"] = $"127.0.0.1:{ports[0].Silo}",
        });
        await joining.WaitReadyAsync(TimeSpan.FromSeconds(60));
        AssertNoMonitorNoise(first, joining);

        // Its first sweep runs as it starts; then nothing it did on the way up may have warned.
        foreach (var silo in new[] { first, joining })
        {
            await Eventually.True(() => silo.Output.Contains("MonitorSupervisor[2012]"), $"{silo.Name}'s monitor supervisor to start", TimeSpan.FromSeconds(30), () => silo.Output.Tail());
        }

        AssertNoMonitorNoise(first, joining);
    }

    private void AssertNoMonitorNoise(params SiloProcess[] silos)
    {
        foreach (var silo in silos)
        {
            var noise = silo.Output.All().Where(line => WarningOrWorse().IsMatch(line) && MonitorWords().IsMatch(line)).ToList();
            output.WriteLine($"{silo.Name}: {noise.Count} monitor warning/error lines");
            Assert.True(noise.Count == 0, string.Join(Environment.NewLine, noise));
        }
    }

    [GeneratedRegex(@"(^|\s)(warn|fail|crit): ")]
    private static partial Regex WarningOrWorse();

    [GeneratedRegex("MonitorSupervisor|monitordirectory|IMonitorDirectoryGrain")]
    private static partial Regex MonitorWords();
}
