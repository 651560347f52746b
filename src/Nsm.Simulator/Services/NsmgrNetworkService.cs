using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Namespaces;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Services;

/// <summary>
/// networkservice.NetworkService as served by one NSMgr. A call is in flight (<see cref="CallConcurrency"/>) until it is
/// answered or its caller stops waiting; the NSMgr carries it out all the same, in its turn (<see cref="CallsInTurn"/>).
/// A caller that stops waiting is out of flight at once, from the cancellation itself: not when the handler next gets to
/// run, by which time the caller may have sent its next call for the connection.
/// </summary>
internal sealed class NsmgrNetworkService(NsmgrBinding binding) : NetworkService.NetworkServiceBase
{
    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        var connectionId = request.Connection?.Id ?? string.Empty;
        // Start the injected delay before counting the call in flight: a test that sees the call in flight can then
        // advance fake time past the delay without racing its creation. The delay is the way to the NSMgr: a call whose
        // caller goes meanwhile never arrives.
        var delay = binding.Simulation.State.RequestFaults.DelayAsync(binding.Nsmgr, context.CancellationToken);
        using var inFlight = binding.Simulation.Records.Concurrency.Begin(binding.Nsmgr, connectionId);
        using var leaving = context.CancellationToken.Register(inFlight.Dispose);
        await delay.ConfigureAwait(false);
        return await InTurnAsync(connectionId, context, caller => ServeRequestAsync(request, caller)).ConfigureAwait(false);
    }

    public override async Task<Empty> Close(Connection request, ServerCallContext context)
    {
        using var inFlight = binding.Simulation.Records.Concurrency.Begin(nsmgr: null, request.Id);
        using var leaving = context.CancellationToken.Register(inFlight.Dispose);
        return await InTurnAsync(request.Id, context, caller => ServeCloseAsync(request, caller)).ConfigureAwait(false);
    }

    private async Task<Connection> ServeRequestAsync(NetworkServiceRequest request, Caller caller)
    {
        var simulation = binding.Simulation;
        // A down NSMgr answers Unavailable whatever the call carries.
        var netns = simulation.IsNsmgrUp(binding.Nsmgr) ? await ReceiveNamespace(request, caller).ConfigureAwait(false) : null;
        // The forwarder's own handle on the namespace, for its vWire; a kernel data plane keeps a copy while it needs one.
        using var nscNamespace = netns is { } inode && simulation.State.Kernel is not null ? binding.Descriptors.Open(inode) : null;
        return simulation.Request(binding.Nsmgr, request, caller.Credentials, nscNamespace, caller.Waiting);
    }

    private async Task<Empty> ServeCloseAsync(Connection request, Caller caller)
    {
        var (kernel, netns) = await KernelNamespaceCheck.ForCloseAsync(request, caller.Descriptors, caller.Waiting).ConfigureAwait(false);
        if (kernel)
        {
            Record(request.Id, "Close", netns);
        }

        binding.Simulation.Close(binding.Nsmgr, request, caller.Credentials);
        return new Empty();
    }

    /// <summary>
    /// Serves the call in its connection's turn and answers it, unless its caller stops waiting first. What the call
    /// needs of its caller is taken now: it may be served after its <see cref="ServerCallContext"/> is gone.
    /// </summary>
    private async Task<T> InTurnAsync<T>(string connectionId, ServerCallContext context, Func<Caller, Task<T>> serve)
    {
        // Not disposed: the call may look at its token after this handler returned.
        var waiting = new CancellationTokenSource();
        var caller = new Caller(CallerCredentialsOf.Call(context), ViaUnixSocket(context), waiting.Token);
        try
        {
            using var leaving = context.CancellationToken.Register(waiting.Cancel);
            return await binding.InTurn.Run(connectionId, () => serve(caller)).WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Answered or gone: nobody waits for this call any more (its registration may be gone before it ran).
            await waiting.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<Nsm.Netns.NamespaceInode?> ReceiveNamespace(NetworkServiceRequest request, Caller caller)
    {
        try
        {
            var netns = await KernelNamespaceCheck.ForRequestAsync(request, caller.Descriptors, caller.Waiting).ConfigureAwait(false);
            if (netns is not null)
            {
                Record(request.Connection.Id, "Request", netns);
            }

            return netns;
        }
        catch (RpcException)
        {
            Record(request.Connection?.Id ?? string.Empty, "Request", null);
            throw;
        }
    }

    private void Record(string connectionId, string call, Nsm.Netns.NamespaceInode? netns) =>
        binding.Simulation.Records.Add(new NamespaceRecord(binding.Simulation.State.Time.GetUtcNow(), binding.Nsmgr, connectionId, call, netns));

    /// <summary>The descriptors this call could have brought: none over TCP (a unix-socket connection has no IP address).</summary>
    private ReceivedDescriptors? ViaUnixSocket(ServerCallContext context) =>
        context.GetHttpContext().Connection.LocalIpAddress is null ? binding.Descriptors : null;

    /// <summary>What a call keeps of its caller: its credentials, the descriptors it could have brought, and whether it still waits.</summary>
    private sealed record Caller(CallerCredentials Credentials, ReceivedDescriptors? Descriptors, CancellationToken Waiting);
}
