using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>Turns a generated <see cref="Step"/> into what the world does to the runner's connection.</summary>
internal static class MachineScenario
{
    public static void Apply(MachineRunner runner, Step step)
    {
        var current = runner.Machine.State.Connection;
        runner.Env.Jitter = step.Fraction;
        switch (step.Kind)
        {
            case StepKind.MonitorDown:
                runner.Feed(new Triggered(HealTrigger.ConnectionDown, current));
                break;
            case StepKind.MonitorDeleted:
                runner.Feed(new Triggered(HealTrigger.ConnectionDeleted, current));
                break;
            case StepKind.RefreshRequested:
                runner.Feed(new Triggered(HealTrigger.RefreshRequested, current));
                break;
            case StepKind.MissingAtNsmgr:
                runner.Feed(new MissingAtNsmgr(runner.Env.Now - TimeSpan.FromMilliseconds(step.Millis)));
                break;
            case StepKind.StreamLost:
                runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
                break;
            case StepKind.StreamBack:
                runner.Feed(new ControlPlaneRestored());
                break;
            case StepKind.LivenessUp:
                runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, current));
                break;
            case StepKind.LivenessDown:
                runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, current));
                break;
            case StepKind.NsmgrAnswers:
                runner.NsmgrAnswers = NsmgrBehaviour.Answers;
                break;
            case StepKind.NsmgrRejects:
                runner.NsmgrAnswers = NsmgrBehaviour.Rejects;
                break;
            case StepKind.NsmgrUnreachable:
                runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
                break;
            case StepKind.NsmgrTimesOut:
                runner.NsmgrAnswers = NsmgrBehaviour.TimesOut;
                break;
            case StepKind.StorageWorks:
                runner.Storage = StorageBehaviour.Works;
                break;
            case StepKind.StorageFails:
                runner.Storage = StorageBehaviour.Fails;
                break;
            case StepKind.StorageConflicts:
                runner.Storage = StorageBehaviour.Conflicts;
                break;
            case StepKind.AdmissionBusy:
                runner.AdmissionFree = false;
                break;
            case StepKind.AdmissionFree:
                runner.AdmissionFree = true;
                break;
            case StepKind.AdmissionGrants:
                runner.AdmissionGrants();
                break;
            case StepKind.StandingPermit:
                runner.StandingPermitOnHand = true;
                break;
            case StepKind.Close:
                runner.Close();
                break;
            case StepKind.CloseDuringNextCall:
                runner.CloseDuringNextCall();
                break;
            case StepKind.RequestAgain:
                runner.Connect();
                break;
            case StepKind.Tick:
                runner.Tick();
                break;
            case StepKind.OperatorHeal:
                runner.Feed(new Triggered(HealTrigger.Operator));
                break;
            case StepKind.Pause:
                runner.Feed(new PauseAsked("test"));
                break;
            case StepKind.Resume:
                runner.Feed(new ResumeAsked());
                break;
            case StepKind.BackstopTick:
                runner.Feed(new BackstopTick());
                break;
            case StepKind.Advance:
                runner.Advance(TimeSpan.FromMilliseconds(step.Millis));
                break;
        }

        runner.SettleActivation();
    }
}
