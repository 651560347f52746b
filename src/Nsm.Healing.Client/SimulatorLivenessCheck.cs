using System.Net;
using System.Net.Http.Json;
using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>
/// Asks the NSM simulator whether the data plane it models for a connection is up:
/// <c>GET {controlUrl}/dataplane/{connectionId}</c> answers <c>{"connectionId":"…","up":true|false}</c>, or 404 for a
/// connection it does not know (counted as Down: the simulator has no vWire for it). Any other answer throws.
/// </summary>
public sealed class SimulatorLivenessCheck : ILivenessCheck
{
    private readonly HttpClient _httpClient;
    private readonly Uri _dataPlaneUrl;

    /// <param name="httpClient">Sends the requests; the caller owns it.</param>
    /// <param name="controlUrl">The simulator's control surface, e.g. http://127.0.0.1:5080/.</param>
    public SimulatorLivenessCheck(HttpClient httpClient, Uri controlUrl)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(controlUrl);
        if (!controlUrl.IsAbsoluteUri || controlUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{nameof(controlUrl)} must be an absolute http:// or https:// URL (was '{controlUrl}')", nameof(controlUrl));
        }

        _httpClient = httpClient;
        // Without the trailing slash a relative "dataplane/…" would replace the last segment of the URL instead of extending it.
        _dataPlaneUrl = new Uri(controlUrl.AbsoluteUri.TrimEnd('/') + "/dataplane/");
    }

    /// <inheritdoc/>
    public async Task<LivenessResult> CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The simulator knows a connection by the NSC's own path segment id, which is the connection id at the NSC.
        var id = connection.Path?.PathSegments.FirstOrDefault()?.Id is { Length: > 0 } ownId ? ownId : connection.Id;
        if (string.IsNullOrEmpty(id))
        {
            return LivenessResult.Unknown("the connection has no id to ask the simulator about");
        }

        using var response = await _httpClient.GetAsync(new Uri(_dataPlaneUrl, Uri.EscapeDataString(id)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return LivenessResult.Down($"the simulator has no data plane for connection {id}");
        }

        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<DataPlaneAnswer>(cancellationToken)
            ?? throw new HttpRequestException($"The simulator answered null for connection {id}");
        return answer.Up switch
        {
            true => LivenessResult.Up($"the simulator says the data plane of {id} is up"),
            false => LivenessResult.Down($"the simulator says the data plane of {id} is down"),
            null => throw new HttpRequestException($"The simulator's answer for connection {id} has no 'up' field"),
        };
    }

    private sealed record DataPlaneAnswer(bool? Up);
}
