using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Reads the <c>sub</c> claim of an NSM token (a JWT) without checking its signature and without allocating per token:
/// the orphan audit asks it of every entry of a snapshot that may hold 100k connections. Only ever compares: the token
/// itself is never kept.
/// </summary>
public static class TokenSubject
{
    // A token this long is no NSM token; its payload is not decoded on the stack.
    private const int MaxPayloadChars = 8 * 1024;

    /// <summary>Whether <paramref name="token"/>'s <c>sub</c> is one of <paramref name="subjects"/> (UTF-8); false for anything not a JWT.</summary>
    public static bool IsOneOf(string token, byte[][] subjects)
    {
        var span = token.AsSpan();
        var firstDot = span.IndexOf('.');
        if (firstDot < 0)
        {
            return false;
        }

        var rest = span[(firstDot + 1)..];
        var secondDot = rest.IndexOf('.');
        var payload = secondDot < 0 ? rest : rest[..secondDot];
        if (payload.Length == 0 || payload.Length > MaxPayloadChars)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, rented, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            return SubjectMatches(rented.AsSpan(0, written), subjects);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The subjects to compare with, as UTF-8.</summary>
    public static byte[][] Encode(IEnumerable<string> subjects) => subjects.Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes).ToArray();

    private static bool SubjectMatches(ReadOnlySpan<byte> json, byte[][] subjects)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSubject = reader.ValueTextEquals("sub"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isSubject)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    // An array, not an interface: enumerating one allocates, and this runs for every entry of a snapshot.
                    foreach (var subject in subjects)
                    {
                        if (reader.ValueTextEquals(subject))
                        {
                            return true;
                        }
                    }

                    return false;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
