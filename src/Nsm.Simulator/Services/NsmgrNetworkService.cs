using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Namespaces;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Services;

/// <summary>networkservice.NetworkService as served by one NSMgr.</summary>
internal sealed class NsmgrNetworkService(NsmgrBinding binding) : NetworkService.NetworkServiceBase
{
    public override async Task<Connection> Request(NetworkServiceRequest request, ServerCallContext context)
    {
        var simulation = binding.Simulation;
        // Start the injected delay before counting the call in flight: a test that sees the call in
        // flight can then advance fake time past the delay without racing its creation.
        var delay = simulation.State.RequestFaults.DelayAsync(binding.Nsmgr, context.CancellationToken);
        using (simulation.Records.Concurrency.Begin(binding.Nsmgr, request.Connection?.Id ?? string.Empty))
        {
            await delay.ConfigureAwait(false);
            // A down NSMgr answers Unavailable whatever the call carries.
            var netns = simulation.IsNsmgrUp(binding.Nsmgr) ? await ReceiveNamespace(request, context).ConfigureAwait(false) : null;
            // The forwarder's own handle on the namespace, for its vWire; a kernel data plane keeps a copy while it needs one.
            using var nscNamespace = netns is { } inode && simulation.State.Kernel is not null ? binding.Descriptors.Open(inode) : null;
            return simulation.Request(binding.Nsmgr, request, CallerCredentialsOf.Call(context), nscNamespace);
        }
    }

    public override async Task<Empty> Close(Connection request, ServerCallContext context)
    {
        using (binding.Simulation.Records.Concurrency.Begin(nsmgr: null, request.Id))
        {
            var (kernel, netns) = await KernelNamespaceCheck.ForCloseAsync(request, ViaUnixSocket(context), context.CancellationToken).ConfigureAwait(false);
            if (kernel)
            {
                Record(request.Id, "Close", netns);
            }

            binding.Simulation.Close(binding.Nsmgr, request, CallerCredentialsOf.Call(context));
            return new Empty();
        }
    }

    private async Task<Nsm.Netns.NamespaceInode?> ReceiveNamespace(NetworkServiceRequest request, ServerCallContext context)
    {
        try
        {
            var netns = await KernelNamespaceCheck.ForRequestAsync(request, ViaUnixSocket(context), context.CancellationToken).ConfigureAwait(false);
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
}
