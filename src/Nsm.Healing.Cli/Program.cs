using System.Runtime.InteropServices;
using Nsm.Healing.Cli;

// nsm-heal: operator commands against a healing cluster, and the demo. Exit codes: see ExitCodes (docs/operations.md).
// Ctrl-C and SIGTERM cancel the running command, which then stops its child processes before the process ends.
using var stopping = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await new CliApplication(CliEnvironment.ForConsole()).RunAsync(args, stopping.Token);

void Cancel(PosixSignalContext signal)
{
    // Keep the process alive until the command has cleaned up after itself.
    signal.Cancel = true;
    stopping.Cancel();
}
