using System.IO;
using System.Runtime.InteropServices;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

// Standalone simulator: start the topology, print one address per line on stdout, run until SIGINT/SIGTERM.
StandaloneArguments arguments;
SimulatorTopology topology;
try
{
    arguments = StandaloneArguments.Parse(args);
    topology = arguments.ConfigPath is null ? SimulatorTopology.Default() : TopologyFile.Load(arguments.ConfigPath);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"nsm-simulator: {e.Message}");
    Console.Error.WriteLine(StandaloneArguments.Usage);
    return 2;
}
catch (InvalidTopologyException e)
{
    Console.Error.WriteLine($"nsm-simulator: {e.Message}");
    return 2;
}

// Logs go to stderr so stdout holds only the addresses, for scripts to read.
using var loggers = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    // ASP.NET Core logs every HTTP request at Information; the simulator logs what matters itself.
    .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
    .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
    .AddSimpleConsole(console => console.SingleLine = true)
    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));

NsmSimulator simulator;
try
{
    simulator = await NsmSimulator.StartAsync(
        topology, TimeProvider.System, loggers, arguments.ControlPort, security: arguments.Plaintext ? SimulatorSecurity.Plaintext : null,
        dataPlane: arguments.DataPlane);
}
catch (IOException e)
{
    Console.Error.WriteLine($"nsm-simulator: cannot listen: {e.Message}");
    return 1;
}
catch (InvalidOperationException e) when (arguments.DataPlane == Nsm.Simulator.DataPlane.DataPlaneMode.Kernel)
{
    Console.Error.WriteLine($"nsm-simulator: {e.Message}");
    return 1;
}

// Registered before the addresses are printed: a script that reads them may signal right away.
var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using (simulator)
{
    foreach (var nsmgr in simulator.Nsmgrs)
    {
        Console.WriteLine($"{nsmgr} {simulator.NsmgrAddress(nsmgr)}");
        if (simulator.NsmgrUnixSocket(nsmgr) is { } socket)
        {
            Console.WriteLine($"{nsmgr} unix://{socket}");
        }
    }

    Console.WriteLine($"control {simulator.ControlUrl}");
    if (simulator.Security.Enabled)
    {
        // Silos pointed here (SPIFFE_ENDPOINT_SOCKET or Nsm:Identity:WorkloadApiSocket) get SVIDs the NSMgrs trust.
        Console.WriteLine($"workload-api {DevelopmentTrust.WorkloadApi.Endpoint}");
    }

    await stop.Task;
}

return 0;

void Stop(PosixSignalContext context)
{
    // Shut down in order (streams ended, hosts stopped) instead of letting the runtime kill the process.
    context.Cancel = true;
    stop.TrySetResult();
}
