using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Connections;
using Nsm.Healing.Custody;
using Input = Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Grains;

// Custody: operator actions with reasons, heal loops reported to the cluster's quarantine, and this silo's census.
public sealed partial class ConnectionGrain
{
    private ConnectionCensus? _census;
    private QuarantineView? _quarantine;

    private ConnectionCensus Census => _census ??= ServiceProvider.GetRequiredService<ConnectionCensus>();

    private QuarantineView QuarantineView => _quarantine ??= ServiceProvider.GetRequiredService<QuarantineView>();

    QuarantineSnapshot IConnectionEnvironment.Quarantine => QuarantineView.Current;

    Task IConnectionGrain.HealByOperator(bool reselect, string reason) =>
        Call(new Input.OperatorHealAsked(reselect, RequireReason(reason)));

    async Task IConnectionGrain.CloseByOperator(string reason, bool force)
    {
        var why = RequireReason(reason);
        _close.Raise();
        await Call(new Input.CloseAsked(force ? $"force-closed by an operator: {why}" : $"closed by an operator: {why}", why, force), lowerCloseSignal: true);
    }

    private static string RequireReason(string reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new ArgumentException("reason: must not be empty", nameof(reason)) : reason.Trim();

    /// <summary>One-way: the quarantine's answer updates this silo's view at once, ahead of its next poll.</summary>
    private void ReportLoopToQuarantine(LoopReport report)
    {
        var quarantine = GrainFactory.GetGrain<IQuarantineGrain>(0);
        var view = QuarantineView;
        _ = ReportAsync();

        async Task ReportAsync()
        {
            try
            {
                view.TakeEntries(await quarantine.ReportLoop(report));
            }
            catch (Exception e)
            {
                ConnectionGrainLog.BookkeepingFailed(logger, Id, "report a heal loop to the quarantine", e.Message);
            }
        }
    }

    private void CountInCensus() => Census.Set(Id, _shown, time.GetUtcNow());

    private void LeaveCensus() => Census.Remove(Id);
}
