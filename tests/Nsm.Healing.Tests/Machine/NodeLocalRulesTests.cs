using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// The node-local rules of the machine: a connection of node B makes no NSMgr call from a silo on node A, says why it
/// waits, moves home as soon as node B has a silo, and heals there; the NSC's namespace is held while the connection is
/// open, and the NSC's end closes the connection without a heal.
/// </summary>
public sealed class NodeLocalRulesTests
{
    private const string KernelUrl = "inode://4/4026532000";

    [Fact]
    public void A_first_request_for_a_node_without_a_silo_fails_at_once_and_sends_nothing()
    {
        var runner = new MachineRunner(HealPolicy.Default);

        runner.Connect(nodeName: "node-b");

        var refused = Assert.IsType<NsmRequestFailedException>(Assert.Single(runner.Failures));
        Assert.Equal("Unavailable", refused.StatusCode);
        Assert.Contains("no silo on node node-b", refused.Message);
        Assert.Empty(runner.Calls);
        Assert.Equal(ConnectionPhase.None, runner.Machine.State.Phase);
    }

    [Fact]
    public void A_heal_away_from_its_node_waits_visibly_without_calls_then_moves_home_once_the_node_has_a_silo()
    {
        var runner = HealingOnNodeB();
        runner.Env.LocalNode = "node-a";
        runner.ActivateAnew();
        var callsBefore = runner.Calls.Count;

        runner.Tick();

        Assert.Equal(callsBefore, runner.Calls.Count);
        Assert.Equal("no silo on node node-b: waiting for it", runner.Machine.State.Reason);
        Assert.Equal("no silo on node node-b: waiting for it", runner.Stored.Reason);
        Assert.Equal(runner.Env.Now + ConnectionMachine.HomeNodeRecheck, runner.WakeupAt);
        Assert.Empty(runner.MovedHome);

        runner.Env.NodesWithSilo.Add("node-b");
        runner.Advance(ConnectionMachine.HomeNodeRecheck);
        runner.Tick();

        Assert.Equal(callsBefore, runner.Calls.Count);
        Assert.Equal(["node-b"], runner.MovedHome);
        Assert.Equal("moving to the silo on node node-b", runner.Machine.State.Reason);
    }

    [Fact]
    public void Back_on_its_node_the_waiting_heal_attempts_at_once_and_no_longer_shows_the_wait()
    {
        var runner = HealingOnNodeB();
        runner.Env.LocalNode = "node-a";
        runner.ActivateAnew();
        runner.Tick();
        var callsBefore = runner.Calls.Count;

        runner.Env.LocalNode = "node-b";
        runner.ActivateAnew();
        runner.Tick();

        Assert.Equal(callsBefore + 1, runner.Calls.Count);
        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Null(runner.Machine.State.Reason);
    }

    [Fact]
    public void A_refresh_due_away_from_its_node_is_not_sent()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Env.LocalNode = "node-b";
        runner.Connect(nodeName: "node-b");
        runner.Env.LocalNode = "node-a";
        runner.ActivateAnew();

        runner.Advance(TimeSpan.FromMinutes(10));
        runner.Tick();

        Assert.Single(runner.Calls);
        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Equal("no silo on node node-b: waiting for it", runner.Machine.State.Reason);
    }

    [Fact]
    public void An_open_kernel_connection_holds_its_namespace_from_its_first_answer_and_in_every_new_activation()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect(request: KernelRequest());
        Assert.Equal(KernelUrl, runner.HeldNamespace);

        runner.ActivateAnew();

        Assert.Equal(KernelUrl, runner.HeldNamespace);
    }

    [Fact]
    public void The_nsc_gone_closes_the_connection_with_that_reason_and_no_heal()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect(request: KernelRequest());

        runner.Feed(new NscGone("the NSC is gone: no process lives in its network namespace"));

        Assert.Equal(ConnectionPhase.Closed, runner.Machine.State.Phase);
        Assert.Equal("the NSC is gone: no process lives in its network namespace", runner.Stored.Reason);
        Assert.Equal(["Initial", "Close(Final)"], runner.Calls.Select(c => c.What));
        Assert.Empty(runner.HeldAt);
        Assert.Null(runner.HeldNamespace);
        Assert.Null(runner.WakeupAt);
    }

    [Fact]
    public void The_nsc_gone_after_a_close_changes_nothing()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect(request: KernelRequest());
        runner.Close();

        runner.Feed(new NscGone("gone"));

        Assert.Equal("closed by the NSC", runner.Stored.Reason);
    }

    private static MachineRunner HealingOnNodeB()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Env.LocalNode = "node-b";
        runner.Connect(nodeName: "node-b");
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Tick();
        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Advance(TimeSpan.FromMinutes(1));
        return runner;
    }

    private static Nsm.Api.NetworkServiceRequest KernelRequest()
    {
        var request = TestRequests.LastGood();
        request.Connection.Id = MachineRunner.Id;
        request.Connection.Path.PathSegments[0].Id = MachineRunner.Id;
        foreach (var mechanism in request.MechanismPreferences.Append(request.Connection.Mechanism).Where(m => m.Type == "KERNEL"))
        {
            mechanism.Parameters["inodeURL"] = KernelUrl;
        }

        return request;
    }
}
