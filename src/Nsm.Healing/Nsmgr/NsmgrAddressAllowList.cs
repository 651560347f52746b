using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The NSMgr addresses this silo may dial: the node's own socket and the operator's patterns. Whatever the silo dials
/// gets its token and sees its client certificate, so an address an NSC names is checked here before it is stored or dialed.
/// Patterns match the address as dialed: <c>scheme://host:port</c> (host in lower case) or <c>unix:///path</c>.
/// </summary>
public sealed class NsmgrAddressAllowList
{
    private static readonly string[] Schemes = ["http://", "https://", "tcp://", "unix://"];
    private readonly string? _nodeSocket;
    private readonly Regex[] _patterns;

    public NsmgrAddressAllowList(IOptions<NsmgrClientOptions> options)
    {
        var value = options.Value;
        _nodeSocket = string.IsNullOrEmpty(value.NodeSocket) ? null : DialForm(value.NodeSocket);
        _patterns = value.AllowedAddresses.Select(ToRegex).ToArray();
    }

    /// <summary>False for an address that does not parse: nothing is dialed that is not understood.</summary>
    public bool Allows(string? address)
    {
        string dialed;
        try
        {
            dialed = DialForm(address);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return string.Equals(dialed, _nodeSocket, StringComparison.Ordinal) || _patterns.Any(pattern => pattern.IsMatch(dialed));
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the address and the settings that would allow it.</summary>
    public void Require(string? address)
    {
        if (!Allows(address))
        {
            throw new ArgumentException(Refusal(address), nameof(address));
        }
    }

    /// <summary>Why <paramref name="address"/> is not dialed, naming the settings an operator would change.</summary>
    public static string Refusal(string? address) =>
        $"nsmgrAddress: '{address}' is not an NSMgr this silo may dial: it is neither {NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.NodeSocket)} "
        + $"nor matched by {NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.AllowedAddresses)}";

    /// <summary>Every configured entry that is not a usable address or pattern, each naming its key; empty when all are.</summary>
    public static IEnumerable<string> Problems(string? nodeSocket, IReadOnlyList<string> patterns)
    {
        if (!string.IsNullOrEmpty(nodeSocket) && NodeSocketProblem(nodeSocket) is { } socketProblem)
        {
            yield return socketProblem;
        }

        for (var i = 0; i < patterns.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(patterns[i]) || !Schemes.Any(scheme => patterns[i].StartsWith(scheme, StringComparison.Ordinal)))
            {
                yield return $"{NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.AllowedAddresses)}:{i} must start with http://, https://, tcp:// or unix:// (was '{patterns[i]}')";
            }
        }
    }

    private static string? NodeSocketProblem(string nodeSocket)
    {
        try
        {
            return NsmgrAddress.Parse(nodeSocket).UnixSocketPath is null
                ? $"{NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.NodeSocket)} must be a unix:///path address (was '{nodeSocket}')"
                : null;
        }
        catch (ArgumentException e)
        {
            return $"{NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.NodeSocket)}: {e.Message}";
        }
    }

    /// <summary>
    /// What is actually dialed, spelled scheme://host:port or unix:///path, so a pattern is matched against where the silo
    /// would go and not against decorations of the text (user info, default ports, letter case) that could slip past it.
    /// </summary>
    private static string DialForm(string? address)
    {
        var parsed = NsmgrAddress.Parse(address);
        var uri = new Uri(address!, UriKind.Absolute);
        return parsed.UnixSocketPath is { } path ? $"unix://{path}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    // Non-backtracking matching runs in time linear in the address, so it needs no timeout: a match timeout fired on a
    // CPU-starved silo and failed a Request whose address was allowed.
    private static Regex ToRegex(string pattern) =>
        new("^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
