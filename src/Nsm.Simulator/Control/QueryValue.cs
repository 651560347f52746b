using System.Globalization;

namespace Nsm.Simulator.Control;

/// <summary>Parses control-surface query parameters, failing with the parameter's name and the rule.</summary>
internal static class QueryValue
{
    public static int RequiredNonNegativeInt(string name, string? value) =>
        value is null
            ? throw new ArgumentException($"query parameter '{name}' is required")
            : NonNegativeInt(name, value);

    public static int? OptionalInt(string name, string? value) =>
        value is null
            ? null
            : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new ArgumentException($"query parameter '{name}' must be a whole number, got '{value}'");

    public static double RequiredProbability(string name, string? value)
    {
        if (value is null)
        {
            throw new ArgumentException($"query parameter '{name}' is required");
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1
            ? parsed
            : throw new ArgumentException($"query parameter '{name}' must be a number between 0 and 1, got '{value}'");
    }

    private static int NonNegativeInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new ArgumentException($"query parameter '{name}' must be a whole number of 0 or more, got '{value}'");
}
