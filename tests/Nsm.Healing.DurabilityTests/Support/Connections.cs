using System.Collections.Concurrent;
using Nsm.Api;

// In the tests' own namespace, not Support: Nsm.Healing (referenced through the test support) has a namespace
// Nsm.Healing.Connections, which would otherwise hide this class from every test under Nsm.Healing.DurabilityTests.
namespace Nsm.Healing.DurabilityTests;

/// <summary>NSC connections registered through the grain API, as an NSC would register them.</summary>
public static class Connections
{
    /// <summary>Fast retries so heals finish in milliseconds once allowed; no deadline can fail a heal during a test.</summary>
    public static readonly HealPolicy FastPolicy = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(250),
        RequestTimeout = TimeSpan.FromSeconds(3),
        HealDeadline = TimeSpan.FromMinutes(5),
        // Chaos breaks the same connection's data plane again and again at random: the heal-loop rule rightly backs such
        // a connection off, and its default backoff (30 s, doubling, up to 5 min) would outlast the run's convergence
        // wait. Scaled down, the rule still runs (and quarantines) without holding a connection back past that wait.
        LoopUpWindow = TimeSpan.FromSeconds(10),
        LoopWindow = TimeSpan.FromSeconds(30),
        LoopBackoff = TimeSpan.FromSeconds(1),
    };

    public static IReadOnlyList<string> NewIds(string test, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{test}-{i:D3}-{Guid.NewGuid():N}")];

    public static ConnectionRequest RequestFor(string id, string nsmgrAddress) => new()
    {
        NsmgrAddress = nsmgrAddress,
        Request = new NetworkServiceRequest
        {
            Connection = new Connection
            {
                Id = id,
                NetworkService = "ns-1",
                Payload = "ETHERNET",
                Labels = { ["app"] = "nsc-durability" },
            },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } }, // over TCP: no namespace can travel
        },
        ClientName = "nsc-durability",
        Policy = FastPolicy,
    };

    /// <summary>Requests every connection through its grain, a few at a time; returns each one's first snapshot (Up).</summary>
    public static Task<IReadOnlyDictionary<string, ConnectionSnapshot>> RegisterAsync(IClusterClient client, string nsmgrAddress, IReadOnlyList<string> ids) =>
        RegisterAsync(client, [.. ids.Select(id => RequestFor(id, nsmgrAddress))]);

    /// <summary>Sends each request through its connection's grain, a few at a time; returns each one's first snapshot (Up).</summary>
    public static async Task<IReadOnlyDictionary<string, ConnectionSnapshot>> RegisterAsync(IClusterClient client, IReadOnlyList<ConnectionRequest> requests)
    {
        using var concurrency = new SemaphoreSlim(16);
        var snapshots = await Task.WhenAll(requests.Select(async request =>
        {
            await concurrency.WaitAsync();
            try
            {
                return await RequestWithRetriesAsync(client.GetGrain<IConnectionGrain>(request.Request.Connection.Id), request);
            }
            finally
            {
                concurrency.Release();
            }
        }));
        Assert.All(snapshots, snapshot => Assert.Equal(ConnectionPhase.Up, snapshot.Phase));
        return snapshots.ToDictionary(snapshot => snapshot.ConnectionId);
    }

    // As an NSC retries its first Request: on a loaded machine a cold silo's first mTLS handshake can outlast the fast
    // policy's 3 s request timeout. A failed first Request leaves nothing behind, so asking again is safe.
    private static async Task<ConnectionSnapshot> RequestWithRetriesAsync(IConnectionGrain grain, ConnectionRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grain.Request(request);
            }
            catch (NsmRequestFailedException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Asks every grain for its state (which activates it wherever Orleans places it) until all are Up.</summary>
    public static async Task<IReadOnlyDictionary<string, ConnectionSnapshot>> WaitAllUpAsync(IClusterClient client, IReadOnlyList<string> ids, TimeSpan timeout)
    {
        var latest = new ConcurrentDictionary<string, ConnectionSnapshot>();
        var errors = new ConcurrentDictionary<string, string>();
        await Eventually.True(
            async () =>
            {
                var pending = ids.Where(id => latest.GetValueOrDefault(id)?.Phase != ConnectionPhase.Up).ToList();
                await Task.WhenAll(pending.Select(async id =>
                {
                    try
                    {
                        latest[id] = await client.GetGrain<IConnectionGrain>(id).GetState();
                        errors.TryRemove(id, out _);
                    }
                    catch (Exception e) when (e is OrleansException or TimeoutException)
                    {
                        // Right after a failover a call may still meet the dead silo; an NSC retries, and so do we.
                        errors[id] = e.Message;
                    }
                }));
                return ids.All(id => latest.GetValueOrDefault(id)?.Phase == ConnectionPhase.Up);
            },
            "every connection to be Up",
            timeout,
            () => string.Join("\n", ids.Where(id => latest.GetValueOrDefault(id)?.Phase != ConnectionPhase.Up).Take(10)
                .Select(id => $"{id}: {latest.GetValueOrDefault(id)?.Phase} {latest.GetValueOrDefault(id)?.Reason} {errors.GetValueOrDefault(id)}")));
        return latest;
    }
}
