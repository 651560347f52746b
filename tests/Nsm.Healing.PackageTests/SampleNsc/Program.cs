// Registers one connection with a healing cluster through the packed client library, waits until it is Up, closes it.
// Arguments: gateway port, cluster id, service id, NSMgr address, network service, connection id.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nsm.Api;
using Nsm.Healing;
using Nsm.Healing.Client;

var (gatewayPort, clusterId, serviceId, nsmgr, networkService, connectionId) =
    (int.Parse(args[0]), args[1], args[2], args[3], args[4], args[5]);

using var host = Host.CreateDefaultBuilder()
    .ConfigureLogging(logging => logging.ClearProviders())
    .UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, serviceId, clusterId))
    .ConfigureServices(services => services.AddNsmHealingClient())
    .Build();
await host.StartAsync();

var healing = host.Services.GetRequiredService<NsmHealingClient>();
var snapshot = await healing.RequestAsync(new ConnectionRequest
{
    NsmgrAddress = nsmgr,
    Request = new NetworkServiceRequest
    {
        Connection = new Connection { Id = connectionId, NetworkService = networkService },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } }, // a TCP NSMgr: a KERNEL mechanism needs the node's unix socket
    },
    ClientName = "sample-nsc",
});
Console.WriteLine($"{snapshot.Phase} {snapshot.Endpoint}");

await healing.CloseAsync(connectionId);
Console.WriteLine((await healing.GetAsync(connectionId)).Phase);
await host.StopAsync();
