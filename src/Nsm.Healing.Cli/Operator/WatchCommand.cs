using System.CommandLine;
using System.Globalization;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `watch [id]`: with an id, follows that connection's Watch stream until it closes (or Ctrl-C), across the silo
/// holding it stopping; without, polls
/// every registered connection and prints each change. One line per change; with --json, one JSON document per line.
/// </summary>
public static class WatchCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.CreateOptional("The connection to follow; without it, every connection is polled");
        var interval = new Option<TimeSpan?>("--interval")
        {
            Description = "Without an id: time between polls [default 1s]",
            HelpName = "duration",
            CustomParser = result => DurationParser.Parse(result, "--interval"),
        };
        var command = new Command("watch", "Print a connection's changes as they happen, or every connection's") { id, interval };
        return verb.Bind(command, async call =>
        {
            try
            {
                return call.Parse.GetValue(id) is { } connectionId
                    ? await FollowAsync(call, connectionId)
                    : await PollAllAsync(call, call.Parse.GetValue(interval) ?? TimeSpan.FromSeconds(1));
            }
            catch (OperationCanceledException) when (call.Cancellation.IsCancellationRequested)
            {
                // Ctrl-C is how a watch ends.
                return ExitCodes.Ok;
            }
        });
    }

    private static async Task<int> FollowAsync(OperatorCall call, string connectionId)
    {
        await call.ExistingAsync(connectionId);
        ConnectionSnapshot? previous = null;
        while (true)
        {
            try
            {
                await foreach (var snapshot in call.Connection(connectionId).Watch(call.Cancellation).WithCancellation(call.Cancellation))
                {
                    Print(call, previous, snapshot);
                    previous = snapshot;
                }
            }
            catch (EnumerationAbortedException)
            {
                // The grain deactivated between two reads of the stream; it lives on elsewhere.
            }

            if (previous?.Phase == ConnectionPhase.Closed)
            {
                return ExitCodes.Ok;
            }

            // The silo holding the connection stopped and ended the watch: follow the connection where it lives now
            // (if no silo is left, this call fails and the command exits 3).
        }
    }

    private static async Task<int> PollAllAsync(OperatorCall call, TimeSpan interval)
    {
        var known = new Dictionary<string, ConnectionSnapshot>(StringComparer.Ordinal);
        using var timer = new PeriodicTimer(interval);
        do
        {
            var ids = await ConnectionDirectory.ConnectionIdsAsync(call.Grains).WaitAsync(call.Cancellation);
            foreach (var snapshot in await ConnectionDirectory.SnapshotsAsync(call.Grains, ids).WaitAsync(call.Cancellation))
            {
                Print(call, known.GetValueOrDefault(snapshot.ConnectionId), snapshot);
                known[snapshot.ConnectionId] = snapshot;
            }

            // A closed connection leaves its NSMgr's registry; say so once.
            foreach (var gone in known.Keys.Except(ids, StringComparer.Ordinal).ToList())
            {
                var last = await call.Connection(gone).GetState().WaitAsync(call.Cancellation);
                Print(call, known[gone], last);
                known.Remove(gone);
            }

            await call.Output.FlushAsync(call.Cancellation);
        }
        while (await timer.WaitForNextTickAsync(call.Cancellation));

        return ExitCodes.Ok;
    }

    private static void Print(OperatorCall call, ConnectionSnapshot? previous, ConnectionSnapshot snapshot)
    {
        if (SnapshotText.Change(previous, snapshot) is not { } change)
        {
            return;
        }

        if (call.Json)
        {
            JsonOutput.WriteLine(call.Output, ConnectionView.Of(snapshot, withHistory: false));
        }
        else
        {
            call.Output.WriteLine($"{DateTimeOffset.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}  {change}");
        }
    }
}
