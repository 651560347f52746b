using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Nsm.Api;

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
            return simulation.Request(binding.Nsmgr, request, CallerCredentialsOf.Call(context));
        }
    }

    public override Task<Empty> Close(Connection request, ServerCallContext context)
    {
        using (binding.Simulation.Records.Concurrency.Begin(nsmgr: null, request.Id))
        {
            binding.Simulation.Close(binding.Nsmgr, request, CallerCredentialsOf.Call(context));
            return Task.FromResult(new Empty());
        }
    }
}
