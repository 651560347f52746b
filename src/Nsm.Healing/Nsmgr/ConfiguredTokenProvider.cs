using Microsoft.Extensions.Options;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Sends the token from configuration ("Nsm:Nsmgr:ClientToken"), valid for <see cref="NsmgrClientOptions.ClientTokenLifetime"/>
/// from each call; none when unset. Replace the service with a SPIFFE JWT source in production.
/// </summary>
public sealed class ConfiguredTokenProvider(IOptions<NsmgrClientOptions> options, TimeProvider time) : INsmTokenProvider
{
    public NsmToken? GetToken(string nsmgrAddress) =>
        options.Value.ClientToken is { Length: > 0 } token ? new NsmToken(token, time.GetUtcNow() + options.Value.ClientTokenLifetime) : null;
}
