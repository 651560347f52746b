using System.Threading.Channels;
using Grpc.Core;
using Nsm.Api;

namespace Nsm.Simulator.Monitor;

/// <summary>
/// One open MonitorConnections stream: a queue of events for the gRPC handler to write, and the status
/// the stream must end with when the server cuts it (an NSMgr restart ends streams with Unavailable).
/// </summary>
internal sealed class MonitorSubscription(MonitorScopeSelector selector)
{
    private readonly Channel<ConnectionEvent> _events =
        Channel.CreateUnbounded<ConnectionEvent>(new UnboundedChannelOptions { SingleReader = true });

    public MonitorScopeSelector Selector { get; } = selector;

    public ChannelReader<ConnectionEvent> Events => _events.Reader;

    /// <summary>Set before the queue completes, so a reader that sees the end also sees why.</summary>
    public Status? EndedWith { get; private set; }

    public void Send(ConnectionEvent connectionEvent) => _events.Writer.TryWrite(connectionEvent);

    public void End(Status status)
    {
        EndedWith = status;
        _events.Writer.TryComplete();
    }
}
