using System.Runtime.CompilerServices;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Testing;

/// <summary>
/// Security is on in every test, as in production: the process runs a SPIFFE Workload API (the development trust
/// domain every simulator serves mTLS from) and names it in SPIFFE_ENDPOINT_SOCKET, where silos, in-process or
/// child processes, find it as they would find the SPIRE agent's socket in a pod.
/// Linked into every test assembly that starts silos (SecureByDefault.props): a module initializer runs once per assembly.
/// </summary>
internal static class SecureByDefault
{
    [ModuleInitializer]
    internal static void UseDevelopmentTrust() =>
        Environment.SetEnvironmentVariable("SPIFFE_ENDPOINT_SOCKET", DevelopmentTrust.WorkloadApi.Endpoint);
}
