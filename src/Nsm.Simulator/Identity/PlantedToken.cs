using System.Buffers.Text;
using System.Text.Json;

namespace Nsm.Simulator.Identity;

/// <summary>
/// The token of a planted connection's caller segment: a JWT naming <c>sub</c>, <c>aud</c> and <c>exp</c> as an NSC's
/// would, so whoever reads the path recognises the owner. Its signature is a placeholder: the simulator never checks
/// tokens already stored in a path, and nothing is ever signed on behalf of an identity the simulator does not hold.
/// </summary>
internal static class PlantedToken
{
    public static string For(string subject, string audience, DateTimeOffset expires)
    {
        var header = Base64Url.EncodeToString("""{"alg":"ES256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["aud"] = new[] { audience },
            ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        return $"{header}.{payload}.planted";
    }
}
