using Nsm.Api;

namespace Nsm.Healing.Nsmgr;

/// <summary>The two calls a connection grain makes to an NSMgr. Failures surface as <see cref="NsmRequestFailedException"/>.</summary>
public interface INsmgrClient
{
    Task<NsmgrAnswer> RequestAsync(string nsmgrAddress, NetworkServiceRequest request, TimeSpan timeout, CancellationToken cancellationToken);

    Task CloseAsync(string nsmgrAddress, Connection connection, TimeSpan timeout, CancellationToken cancellationToken);
}
