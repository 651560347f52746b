using System.CommandLine;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// What pause and resume act on: one connection by id, or every connection behind an NSMgr (--nsmgr), never both.
/// Prints the phase each connection ended in.
/// </summary>
public sealed class PauseResumeTarget
{
    private readonly Argument<string?> _id;
    private readonly Option<string?> _nsmgr;

    public PauseResumeTarget(string verb)
    {
        _id = ConnectionIdArgument.CreateOptional($"The connection to {verb}");
        _nsmgr = NsmgrOption.Create($"{char.ToUpperInvariant(verb[0])}{verb[1..]} every connection behind this NSMgr");
    }

    public void AddTo(Command command)
    {
        command.Arguments.Add(_id);
        command.Options.Add(_nsmgr);
    }

    /// <summary>Applies <paramref name="act"/> to each target; exit 1 when any did not end in <paramref name="expected"/>.</summary>
    public async Task<int> ApplyAsync(OperatorCall call, Func<IConnectionGrain, Task> act, ConnectionPhase expected)
    {
        var id = call.Parse.GetValue(_id);
        var nsmgr = call.Parse.GetValue(_nsmgr);
        if (id is null == nsmgr is null)
        {
            throw CliException.Usage("name one connection id or --nsmgr <address>, not both and not neither");
        }

        IReadOnlyList<string> ids;
        if (id is not null)
        {
            await call.ExistingAsync(id);
            ids = [id];
        }
        else
        {
            ids = await ConnectionDirectory.ConnectionIdsAsync(call.Grains, nsmgr).WaitAsync(call.Cancellation);
            if (ids.Count == 0)
            {
                throw new CliException(ExitCodes.NotFound, $"no connections are registered behind NSMgr '{nsmgr}'");
            }
        }

        await Task.WhenAll(ids.Select(target => act(call.Connection(target)))).WaitAsync(call.Cancellation);
        var after = await ConnectionDirectory.SnapshotsAsync(call.Grains, ids).WaitAsync(call.Cancellation);
        if (call.Json)
        {
            JsonOutput.Write(call.Output, after.Select(snapshot => ConnectionView.Of(snapshot, withHistory: false)));
        }
        else
        {
            TextTable.Write(call.Output, SnapshotText.RowHeaders, after.Select(SnapshotText.Row));
        }

        var missed = after.Where(snapshot => !Reached(snapshot.Phase, expected)).ToList();
        foreach (var snapshot in missed)
        {
            call.Environment.Error.WriteLine($"nsm-heal: connection '{snapshot.ConnectionId}' is {snapshot.Phase}{(snapshot.Reason is null ? "" : $" ({snapshot.Reason})")}, not {expected}");
        }

        return missed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    // Resume of a connection with a remembered trigger goes straight into Healing, which is as resumed as Up.
    private static bool Reached(ConnectionPhase phase, ConnectionPhase expected) =>
        phase == expected || expected == ConnectionPhase.Up && phase == ConnectionPhase.Healing;
}
