using Grpc.Core;
using Nsm.Simulator;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// What the NSMgrs received for the NSCs' namespaces, counted from the simulator's records per connection: every Request
/// it accepted (the first, each heal's, each refresh's) and every Close must have carried the NSC's own namespace, as a
/// descriptor naming the same (dev, ino).
/// </summary>
public sealed record NamespaceTally(int Connections, int Requests, int Closes, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;

    public static NamespaceTally Count(NsmSimulator simulator, DemoNscs nscs, NscNamespaces namespaces)
    {
        var (requests, closes) = (0, 0);
        var failures = new List<string>();
        foreach (var id in nscs.Ids)
        {
            var own = namespaces.Of(id)!.Namespace;
            var records = simulator.Records.Namespaces(id);
            var accepted = simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK);
            var carried = records.Count(r => r.Call == "Request" && r.Namespace == own);
            requests += carried;
            closes += records.Count(r => r.Call == "Close" && r.Namespace == own);
            if (carried < accepted)
            {
                failures.Add($"{id}: {accepted - carried} of the {accepted} Requests its NSMgr accepted came without its namespace {own}");
            }

            failures.AddRange(records.Where(r => r.Namespace != own)
                .Select(r => $"{id}: a {r.Call} at {r.Nsmgr} carried {(r.Namespace is { } other ? $"namespace {other}" : "no namespace")}, not its NSC's {own}"));
        }

        return new NamespaceTally(nscs.Ids.Count, requests, closes, failures);
    }
}
