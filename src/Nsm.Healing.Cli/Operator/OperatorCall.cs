using System.CommandLine;
using Nsm.Healing.Cli.Output;
using System.IO;

namespace Nsm.Healing.Cli.Operator;

/// <summary>One operator verb's invocation: its parse result, a connected cluster, where to write, and how.</summary>
public sealed record OperatorCall(ParseResult Parse, IGrainFactory Grains, CliEnvironment Environment, bool Json, CancellationToken Cancellation)
{
    public TextWriter Output => Environment.Output;

    public IConnectionGrain Connection(string id) => Grains.GetGrain<IConnectionGrain>(id);

    /// <summary>The connection's snapshot; a connection nobody registered (phase None) is exit code 4.</summary>
    public async Task<ConnectionSnapshot> ExistingAsync(string id)
    {
        var snapshot = await Connection(id).GetState().WaitAsync(Cancellation);
        return snapshot.Phase == ConnectionPhase.None ? throw CliException.NotFound(id) : snapshot;
    }

    /// <summary>One snapshot as a detail block or JSON.</summary>
    public void WriteDetail(ConnectionSnapshot snapshot)
    {
        if (Json)
        {
            JsonOutput.Write(Output, ConnectionView.Of(snapshot, withHistory: true));
        }
        else
        {
            SnapshotText.WriteDetail(Output, snapshot);
        }
    }
}
