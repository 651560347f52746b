using System.Text.RegularExpressions;

namespace Nsm.Healing.Cluster;

/// <summary>Takes secrets out of text that goes to a log, a console or an error message.</summary>
public static partial class SecretRedaction
{
    /// <summary>What stands where a secret was.</summary>
    public const string Mask = "***";

    /// <summary>
    /// A StackExchange.Redis connection string (or a message quoting one) with the value of every <c>password=</c> masked,
    /// e.g. <c>redis:6379,password=s3cret,ssl=true</c> → <c>redis:6379,password=***,ssl=true</c>.
    /// </summary>
    public static string RedisConnectionString(string text) => PasswordValue().Replace(text, $"$1{Mask}");

    // The value runs to the next comma, as the parser reads it (spaces included), or to a quote or line end in a message.
    [GeneratedRegex(@"(\bpassword\s*=\s*)[^,'""\r\n]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordValue();
}
