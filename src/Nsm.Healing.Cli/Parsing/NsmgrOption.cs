using System.CommandLine;

namespace Nsm.Healing.Cli.Parsing;

/// <summary>
/// An --nsmgr option: any spelling NSM uses (http, https, tcp, unix) parses to the NSMgr's canonical address, the one
/// the cluster keys its monitor grains by; anything else is a parse error naming the option.
/// </summary>
public static class NsmgrOption
{
    public const string Name = "--nsmgr";

    public static Option<string?> Create(string description) => new(Name)
    {
        Description = $"{description}: http://host:port, https://host:port, tcp://host:port or unix:///path",
        HelpName = "address",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (NsmgrAddress.TryParse(text, out var address, out var problem))
            {
                return address.Canonical;
            }

            result.AddError($"{Name} {problem}");
            return null;
        },
    };
}
