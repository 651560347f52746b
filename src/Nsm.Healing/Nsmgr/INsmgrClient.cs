using Nsm.Api;
using Nsm.Healing.Namespaces;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The calls a connection grain makes to an NSMgr. Failures surface as <see cref="NsmRequestFailedException"/>.
/// <c>netns</c> is the NSC's namespace, held by the caller, for a kernel mechanism: it travels with the call.
/// </summary>
public interface INsmgrClient
{
    Task<NsmgrAnswer> RequestAsync(string nsmgrAddress, NetworkServiceRequest request, NscNamespace? netns, TimeSpan timeout, CancellationToken cancellationToken);

    Task CloseAsync(string nsmgrAddress, Connection connection, NscNamespace? netns, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// The connection the NSMgr holds now for <paramref name="ours"/> (same NSC path segment), whatever its path, or null
    /// when it holds none: read from a MonitorConnections snapshot scoped to that segment.
    /// </summary>
    Task<Connection?> FindHeldAsync(string nsmgrAddress, Connection ours, TimeSpan timeout, CancellationToken cancellationToken);
}
