using Nsm.Simulator;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// What the kernel variant checks beyond <see cref="ChaosChecks"/> once the run has converged, read from the kernel: a
/// connection Up has exactly one interface in its NSC's namespace, the one its vWire made, the vWire's NSE end carries
/// the address the grain's Connection names, and a ping from inside the namespace to that address is answered; a
/// connection its NSC closed has nothing left in the namespace.
/// </summary>
public static class ChaosKernelChecks
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<string>> ViolationsAsync(
        NsmSimulator simulator, KernelNscs nscs, ChaosLedger ledger, IReadOnlyDictionary<string, ConnectionSnapshot> final)
    {
        var violations = new List<string>();
        foreach (var (id, after) in final)
        {
            var interfaces = nscs.InterfacesOf(id);
            if (ledger.IsClosing(id))
            {
                if (interfaces.Count > 0)
                {
                    violations.Add($"{id}: closed, yet its NSC's namespace still holds {Describe(interfaces)}");
                }

                continue;
            }

            if (after.Phase != ConnectionPhase.Up || after.Connection is not { } connection)
            {
                // ChaosChecks reports it.
                continue;
            }

            var vwire = simulator.VWireOf(id);
            if (vwire is null)
            {
                violations.Add($"{id}: Up at {after.Endpoint}, but the simulator has no kernel vWire for it; its namespace holds {Describe(interfaces)}");
                continue;
            }

            if (interfaces.Count != 1 || interfaces.GetValueOrDefault(vwire.NscInterface) != vwire.NscIfindex)
            {
                violations.Add($"{id}: its NSC's namespace holds {Describe(interfaces)}, expected only {vwire.NscInterface} (ifindex {vwire.NscIfindex})");
            }

            IReadOnlyList<string> destinations = connection.Context?.IpContext?.DstIpAddrs is { } named ? [.. named] : [];
            if (!destinations.Contains(vwire.NseAddress))
            {
                violations.Add($"{id}: the grain's Connection names {string.Join(", ", destinations)}, but its vWire's NSE end is {vwire.NseAddress} in {vwire.NseNamespace}");
            }

            using var timeout = new CancellationTokenSource(PingTimeout);
            var ping = await nscs.PingAsync(id, connection, timeout.Token);
            if (ping.Verdict != DataPlaneVerdict.Up)
            {
                violations.Add($"{id}: Up at {after.Endpoint}, but a ping from its NSC's namespace says {ping.Verdict}: {ping.Reason}");
            }
        }

        return violations;
    }

    private static string Describe(IReadOnlyDictionary<string, int> interfaces) =>
        interfaces.Count == 0 ? "no interface" : string.Join(", ", interfaces.Select(i => $"{i.Key} (ifindex {i.Value})"));
}
