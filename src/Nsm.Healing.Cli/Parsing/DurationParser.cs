using System.CommandLine.Parsing;
using System.Globalization;

namespace Nsm.Healing.Cli.Parsing;

/// <summary>Durations as operators type them: 150ms, 2s, 5m, 1h, or a .NET TimeSpan such as 00:00:30.</summary>
public static class DurationParser
{
    private static readonly (string Suffix, TimeSpan Unit)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("h", TimeSpan.FromHours(1)),
    ];

    /// <summary>
    /// The option's duration; anything else is a parse error naming <paramref name="option"/>, so the command never
    /// runs with it. Negative durations are refused, and zero too unless <paramref name="zeroAllowed"/>.
    /// </summary>
    public static TimeSpan Parse(ArgumentResult result, string option, bool zeroAllowed = false)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (FindProblem(text, zeroAllowed, out var duration) is { } problem)
        {
            result.AddError($"{option} {problem} (was '{text}')");
        }

        return duration;
    }

    /// <summary>Null when <paramref name="text"/> is a duration the rule allows; otherwise what is wrong with it.</summary>
    public static string? FindProblem(string text, bool zeroAllowed, out TimeSpan duration)
    {
        if (!TryParse(text, out duration))
        {
            return "must be a duration such as 150ms, 2s, 5m, 1h or 00:00:30, at most 10675199 days";
        }

        if (duration < TimeSpan.Zero)
        {
            return "must not be negative";
        }

        return duration == TimeSpan.Zero && !zeroAllowed ? "must be more than 0" : null;
    }

    /// <summary>False for text that is not a duration, and for one too long for a <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        text = text.Trim();
        foreach (var (suffix, unit) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                // Compared in ticks as doubles: 1e300s or 99999999999999999999ms do not fit and are not durations.
                var ticks = Math.Round(amount * unit.Ticks);
                if (!double.IsFinite(ticks) || Math.Abs(ticks) >= TimeSpan.MaxValue.Ticks)
                {
                    duration = default;
                    return false;
                }

                duration = TimeSpan.FromTicks((long)ticks);
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
