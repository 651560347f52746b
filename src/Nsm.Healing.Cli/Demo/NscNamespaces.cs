using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo's NSCs' network namespaces: one per NSC, each a process alone in a namespace of its own (<see cref="NetnsProcess"/>),
/// created here and gone with it; the root namespace is never touched. Where namespaces cannot be created the demo
/// says so once (<see cref="Unavailable"/>) and its NSCs use MEMIF, which needs none.
/// </summary>
public sealed class NscNamespaces : IAsyncDisposable
{
    private readonly Dictionary<string, NetnsProcess> _of = new(StringComparer.Ordinal);

    private NscNamespaces(string? unavailable) => Unavailable = unavailable;

    /// <summary>Why this machine cannot make network namespaces, or null when every NSC has one.</summary>
    public string? Unavailable { get; }

    /// <summary>The NSC's namespace: where its KERNEL interface goes (and where a real vWire would be wired), or null without namespaces.</summary>
    public NetnsProcess? Of(string nscId) => _of.GetValueOrDefault(nscId);

    public static async Task<NscNamespaces> CreateAsync(IReadOnlyList<string> nscIds, CancellationToken cancellation)
    {
        var namespaces = new NscNamespaces(NetworkNamespaces.Unavailable);
        if (namespaces.Unavailable is not null)
        {
            return namespaces;
        }

        try
        {
            // Each kept as soon as it exists, so a failure part way leaves none behind.
            await Task.WhenAll(nscIds.Select(async id =>
            {
                var netns = await NetnsProcess.StartAsync(cancellation);
                lock (namespaces._of)
                {
                    namespaces._of[id] = netns;
                }
            }));
            return namespaces;
        }
        catch
        {
            await namespaces.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_of.Values.Select(netns => netns.DisposeAsync().AsTask()));
    }
}
