using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>A SPIFFE ID, <c>spiffe://trust-domain/path</c>: who a workload is, as its X.509-SVID's URI SAN says.</summary>
public sealed record SpiffeId(string TrustDomain, string Path)
{
    private const string Scheme = "spiffe://";

    public override string ToString() => Scheme + TrustDomain + Path;

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule the text breaks.</summary>
    public static SpiffeId Parse(string text) =>
        TryParse(text, out var id, out var problem) ? id : throw new ArgumentException($"'{text}' is not a SPIFFE ID: {problem}", nameof(text));

    public static bool TryParse(string? text, out SpiffeId id, out string problem)
    {
        id = null!;
        if (text is null || !text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            problem = "it must start with spiffe://";
            return false;
        }

        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var trustDomain = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[slash..];
        if (trustDomain.Length == 0 || !trustDomain.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_'))
        {
            problem = "the trust domain must be non-empty lower-case letters, digits, '.', '-' or '_'";
            return false;
        }

        if (path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            problem = "the path must have no empty segment, no trailing '/', no query and no fragment";
            return false;
        }

        id = new SpiffeId(trustDomain, path);
        problem = string.Empty;
        return true;
    }

    /// <summary>The SPIFFE ID an X.509-SVID names: its one URI SAN with the spiffe scheme, or null when it has none (or several).</summary>
    public static SpiffeId? FromCertificate(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAlternativeNameOid];
        var uris = extension is null ? [] : UrisIn(extension.RawData).Where(u => u.StartsWith(Scheme, StringComparison.Ordinal)).ToList();
        return uris.Count == 1 && TryParse(uris[0], out var id, out _) ? id : null;
    }

    private const string SubjectAlternativeNameOid = "2.5.29.17";

    // .NET enumerates DNS names and IP addresses of a SAN but not URIs: GeneralName [6] is an implicit IA5String.
    private static List<string> UrisIn(byte[] san)
    {
        var uris = new List<string>();
        try
        {
            var names = new AsnReader(san, AsnEncodingRules.DER).ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                if (names.PeekTag().HasSameClassAndValue(uriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            return [];
        }

        return uris;
    }
}
