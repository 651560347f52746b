using Microsoft.Extensions.Hosting;

namespace Nsm.Simulator.Services;

/// <summary>
/// Keeps a simulator host from listening to Ctrl+C/SIGTERM itself: the simulator starts and stops all its
/// hosts together, and an in-process simulator in a test must not touch the test runner's signals.
/// </summary>
internal sealed class SimulatorOwnedLifetime : IHostLifetime
{
    /// <summary>
    /// How long a stopping host waits for calls still open (e.g. a client's health Watch) before cutting
    /// them; the simulator ends its own streams first, so only foreign ones ever wait this long.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
