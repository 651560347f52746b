namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>The schedule is pure and seeded: these check its rules over many seeds in milliseconds, no process started.</summary>
public sealed class ChaosScheduleTests
{
    private static readonly ChaosTopology Topology = ChaosTopology.Standard;

    public static TheoryData<int> Lengths => new() { (int)ChaosRunSettings.ShortDuration.TotalSeconds, 600 };

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var first = ChaosSchedule.Generate(42, TimeSpan.FromMinutes(2), Topology);
        var again = ChaosSchedule.Generate(42, TimeSpan.FromMinutes(2), Topology);

        Assert.Equal(first.Describe(), again.Describe());
        Assert.NotEqual(first.Describe(), ChaosSchedule.Generate(43, TimeSpan.FromMinutes(2), Topology).Describe());
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Every_fault_is_undone_by_the_end_and_a_ready_silo_always_remains(int seconds)
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var schedule = ChaosSchedule.Generate(seed, TimeSpan.FromSeconds(seconds), Topology);
            var steps = schedule.Steps;
            Assert.All(steps, step => Assert.InRange(step.At, TimeSpan.Zero, schedule.Duration));
            Assert.Equal(steps.OrderBy(s => s.At), steps);

            var down = new HashSet<int>();
            var redisBackAt = TimeSpan.Zero;
            foreach (var step in steps)
            {
                switch (step)
                {
                    case KillSilo kill:
                        Assert.True(down.Add(kill.Slot), $"seed {seed}: slot {kill.Slot} killed twice");
                        Assert.True(down.Count < Topology.Silos, $"seed {seed}: every silo down at {step.At}");
                        break;
                    case StartSilo start:
                        Assert.True(down.Remove(start.Slot), $"seed {seed}: slot {start.Slot} started while running");
                        Assert.True(start.At >= redisBackAt, $"seed {seed}: a silo starts at {start.At} while Redis is down");
                        break;
                    case RestartRedis redis:
                        Assert.Empty(down);
                        redisBackAt = redis.At + redis.Downtime;
                        break;
                }
            }

            Assert.Empty(down);
            Assert.True(redisBackAt <= schedule.Duration, $"seed {seed}: Redis back only at {redisBackAt}");
            Assert.All(steps.OfType<RestartNsmgr>(), r => Assert.True(r.At + r.Downtime <= schedule.Duration, $"seed {seed}: {r}"));
            Assert.All(Topology.Nodes.Select(n => n.Nsmgr), nsmgr =>
            {
                Assert.Equal(0, steps.OfType<FailRequests>().LastOrDefault(f => f.Nsmgr == nsmgr)?.Probability ?? 0);
                Assert.Equal(TimeSpan.Zero, steps.OfType<DelayRequests>().LastOrDefault(d => d.Nsmgr == nsmgr)?.Latency ?? TimeSpan.Zero);
            });
        }
    }

    [Fact]
    public void A_short_run_injects_every_kind_of_fault()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var schedule = ChaosSchedule.Generate(seed, ChaosRunSettings.ShortDuration, Topology);

            Assert.True(schedule.FaultCounts.Count == 9, $"seed {seed}: only {string.Join(", ", schedule.FaultCounts.Keys)}\n{schedule.Describe()}");
        }
    }

    [Fact]
    public void Every_node_keeps_a_live_forwarder_every_forwarder_comes_back_and_a_closed_connection_is_left_alone()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var schedule = ChaosSchedule.Generate(seed, TimeSpan.FromMinutes(10), Topology);
            var dead = new HashSet<string>();
            var closed = new HashSet<int>();
            foreach (var step in schedule.Steps)
            {
                switch (step)
                {
                    case KillForwarder kill:
                        Assert.True(dead.Add(kill.Forwarder), $"seed {seed}: {kill.Forwarder} killed while dead");
                        Assert.All(Topology.Nodes, node => Assert.Contains(node.Forwarders, f => !dead.Contains(f)));
                        break;
                    case RestartForwarder restart:
                        Assert.True(dead.Remove(restart.Forwarder), $"seed {seed}: {restart.Forwarder} restarted while alive");
                        break;
                    case BreakDataPlanes breaks:
                        Assert.DoesNotContain(breaks.Connections, closed.Contains);
                        break;
                    case CloseConnections closes:
                        Assert.All(closes.Connections, c => Assert.True(closed.Add(c), $"seed {seed}: connection {c} closed twice"));
                        break;
                }
            }

            Assert.Empty(dead);
            Assert.True(closed.Count < Topology.Connections / 10, $"seed {seed}: {closed.Count} closes");
        }
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1.5h", 5400)]
    [InlineData("00:02:30", 150)]
    public void Durations_read_as_an_operator_writes_them(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ChaosRunSettings.ParseDuration(text));

    [Theory]
    [InlineData("0s")]
    [InlineData("ten minutes")]
    [InlineData("25h")]
    public void A_bad_duration_names_the_variable(string text) =>
        Assert.Contains(ChaosRunSettings.DurationVariable, Assert.Throws<ArgumentException>(() => ChaosRunSettings.ParseDuration(text)).Message);
}
