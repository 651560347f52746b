using System.CommandLine.Parsing;
using System.Globalization;

namespace Nsm.Healing.Cli.Parsing;

/// <summary>Durations as operators type them: 150ms, 2s, 5m, 1h, or a .NET TimeSpan such as 00:00:30.</summary>
public static class DurationParser
{
    private static readonly (string Suffix, Func<double, TimeSpan> Make)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds),
        ("s", TimeSpan.FromSeconds),
        ("m", TimeSpan.FromMinutes),
        ("h", TimeSpan.FromHours),
    ];

    public static TimeSpan Parse(ArgumentResult result, string option)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"{option} must be a duration such as 150ms, 2s, 5m, 1h or 00:00:30 (was '{text}')");
        return default;
    }

    public static bool TryParse(string text, out TimeSpan duration)
    {
        text = text.Trim();
        foreach (var (suffix, make) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && double.IsFinite(amount))
            {
                duration = make(amount);
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    /// <summary>Short human form for tables: 850ms, 2.4s, 3m10s.</summary>
    public static string Format(TimeSpan? duration) => duration switch
    {
        null => "-",
        { TotalSeconds: < 1 } d => $"{d.TotalMilliseconds:F0}ms",
        { TotalMinutes: < 1 } d => $"{d.TotalSeconds:F1}s",
        { } d => $"{(int)d.TotalMinutes}m{d.Seconds:D2}s",
    };
}
