using Microsoft.Extensions.Options;

namespace Nsm.Healing.Hosting;

/// <summary>Fails start-up with every problem the options report, each naming its configuration key and the rule it breaks.</summary>
internal sealed class NamedRuleValidator<TOptions>(Func<TOptions, IReadOnlyList<string>> problems) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        problems(options) is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
}
