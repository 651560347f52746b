using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Logging;

namespace Nsm.Simulator.Services;

/// <summary>
/// connection.MonitorConnection as served by one NSMgr: writes the subscription's events until the
/// subscriber goes away or the NSMgr cuts the stream, then ends with the NSMgr's status.
/// </summary>
internal sealed class NsmgrMonitorService(NsmgrBinding binding, ILogger<NsmgrMonitorService> logger)
    : MonitorConnection.MonitorConnectionBase
{
    public override async Task MonitorConnections(
        MonitorScopeSelector request, IServerStreamWriter<ConnectionEvent> responseStream, ServerCallContext context)
    {
        var simulation = binding.Simulation;
        var subscription = simulation.Subscribe(binding.Nsmgr, request, CallerCredentialsOf.Call(context));
        simulation.Records.MonitorStreamOpened(binding.Nsmgr);
        SimulatorLog.MonitorStreamOpened(logger, binding.Nsmgr);
        try
        {
            await foreach (var connectionEvent in subscription.Events.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(connectionEvent, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The subscriber went away; there is nobody left to tell.
            return;
        }
        finally
        {
            simulation.Unsubscribe(binding.Nsmgr, subscription);
            simulation.Records.MonitorStreamClosed(binding.Nsmgr);
            SimulatorLog.MonitorStreamClosed(logger, binding.Nsmgr);
        }

        if (subscription.EndedWith is { } status)
        {
            throw new RpcException(status);
        }
    }
}
