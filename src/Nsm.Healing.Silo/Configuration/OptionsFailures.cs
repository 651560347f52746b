using Microsoft.Extensions.Options;

namespace Nsm.Healing.Silo.Configuration;

/// <summary>The options problems a failed start reports: one options class's, or several classes' gathered by the host.</summary>
public static class OptionsFailures
{
    /// <summary>Every failure message when <paramref name="error"/> is only options validation; empty otherwise.</summary>
    public static IReadOnlyList<string> Of(Exception error) => error switch
    {
        OptionsValidationException invalid => invalid.Failures.ToList(),
        AggregateException { InnerExceptions: var inner } when inner.Count > 0 && inner.All(e => e is OptionsValidationException) =>
            inner.SelectMany(e => ((OptionsValidationException)e).Failures).ToList(),
        _ => [],
    };
}
