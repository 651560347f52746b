using Microsoft.Extensions.Options;

namespace Nsm.Healing.Hosting;

/// <summary>Fails start-up with the options' own message naming the configuration key and the rule it breaks.</summary>
internal sealed class NamedRuleValidator<TOptions>(Func<TOptions, string?> findProblem) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        findProblem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
