using System.Text;

namespace Nsm.Healing;

/// <summary>
/// Rules for what a caller may put into a connection, shared by the NSC-side client and the silo so both reject
/// the same input with the same words. Each method returns the problem (without the field name) or null.
/// </summary>
public static class ConnectionInputRules
{
    /// <summary>Most labels one connection may carry. Kubernetes pods rarely have more than a few dozen.</summary>
    public const int MaxLabelCount = 128;

    /// <summary>Most bytes (UTF-8) all label keys and values of one connection may take together: 32 KiB.</summary>
    public const int MaxLabelBytes = 32 * 1024;

    /// <summary>
    /// An id must survive the trip to the NSMgr unchanged. Protobuf and Orleans replace a lone surrogate with U+FFFD
    /// without an error, so the NSMgr would see another id than the caller; a U+FFFD already in an id is the mark of
    /// such a replacement (or of invalid UTF-8 decoded on the way).
    /// </summary>
    public static string? FindTextProblem(string? value)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return $"is not valid UTF-16: lone surrogate U+{(int)value[i]:X4} at index {i}";
            }
            else if (value[i] == '\uFFFD')
            {
                return $"contains U+FFFD at index {i}, the mark of text damaged by invalid UTF-8 or UTF-16";
            }
        }

        return null;
    }

    /// <summary>Labels travel with every Request and live in stored state, so their size is bounded.</summary>
    public static string? FindLabelsProblem(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count > MaxLabelCount)
        {
            return $"has {labels.Count} labels; at most {MaxLabelCount} are allowed";
        }

        long bytes = 0;
        foreach (var (key, value) in labels)
        {
            if (FindTextProblem(key) is { } keyProblem)
            {
                return $"key '{Shorten(key)}' {keyProblem}";
            }

            if (FindTextProblem(value) is { } valueProblem)
            {
                return $"value of '{Shorten(key)}' {valueProblem}";
            }

            bytes += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? "");
        }

        return bytes > MaxLabelBytes ? $"takes {bytes} bytes (keys and values, UTF-8); at most {MaxLabelBytes} are allowed" : null;
    }

    // An error message must stay readable when the offending key is huge or itself malformed.
    private static string Shorten(string text) =>
        new string(text.Take(40).Select(c => char.IsSurrogate(c) || c == '\uFFFD' ? '?' : c).ToArray()) + (text.Length > 40 ? "…" : "");
}
