using Grpc.Core;
using Nsm.Api;

namespace Nsm.Simulator.Tests.Support;

/// <summary>A MonitorConnections stream read with a bounded wait per event, so a missing event fails fast.</summary>
internal sealed class MonitorStream(AsyncServerStreamingCall<ConnectionEvent> call) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The INITIAL_STATE_TRANSFER, when the stream was opened with <see cref="NscClient.MonitorFromNowAsync"/>.</summary>
    public ConnectionEvent? Initial { get; set; }

    public async Task<ConnectionEvent> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        if (!await call.ResponseStream.MoveNext(timeout.Token))
        {
            throw new InvalidOperationException("the monitor stream ended without an error");
        }

        return call.ResponseStream.Current;
    }

    /// <summary>Reads the next event and checks its type; returns its only entry.</summary>
    public async Task<KeyValuePair<string, Connection>> NextSingleAsync(ConnectionEventType type)
    {
        var connectionEvent = await NextAsync();
        Assert.Equal(type, connectionEvent.Type);
        return Assert.Single(connectionEvent.Connections);
    }

    /// <summary>Waits for the stream to end and returns the error it ended with.</summary>
    public async Task<RpcException> EndAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
    }

    public void Dispose() => call.Dispose();
}
