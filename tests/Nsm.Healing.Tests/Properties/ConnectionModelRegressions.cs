using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>
/// Minimal counterexamples the connection-model properties found (both fixed in the grain through
/// <see cref="PausedTriggers"/> and by acting on every Down report), replayed on <see cref="ConnectionModel"/>.
/// </summary>
public sealed class ConnectionModelRegressions
{
    /// <summary>Was: a later stream loss overwrote the remembered Down, the restore succeeded on a dead vWire, and
    /// repeated Down reports were ignored because the verdict had not changed.</summary>
    [Fact]
    public void A_down_report_while_paused_mid_restore_is_not_lost_to_a_later_stream_loss()
    {
        var model = Replay(
            ModelEventKind.StreamLost, ModelEventKind.Pause, ModelEventKind.LivenessDown, ModelEventKind.StreamLost,
            ModelEventKind.Resume, ModelEventKind.Tick);

        // The NSC keeps saying the vWire is dead.
        model.Apply(new ModelEvent(ModelEventKind.LivenessDown, 0, 0));

        Assert.Equal(ConnectionPhase.Healing, model.Phase);
        Assert.Equal(HealDecision.Reselect, model.HealDecision);
    }

    /// <summary>Was: the remembered Down was replayed at resume although the NSC had reported Up since.</summary>
    [Fact]
    public void A_down_report_while_paused_that_the_nsc_took_back_does_not_reselect()
    {
        var model = Replay(ModelEventKind.Pause, ModelEventKind.LivenessDown, ModelEventKind.LivenessUp, ModelEventKind.Resume);

        Assert.Equal(DataPlaneVerdict.Up, model.EffectiveDataPlane);
        Assert.DoesNotContain(model.Decisions, d => d.Decision == HealDecision.Reselect);
        Assert.Equal(ConnectionPhase.Up, model.Phase);
    }

    private static ConnectionModel Replay(params ModelEventKind[] kinds)
    {
        var model = new ConnectionModel(HealPolicy.Default);
        foreach (var kind in kinds)
        {
            model.Apply(new ModelEvent(kind, 0, 0));
        }

        return model;
    }
}
