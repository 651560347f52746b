namespace Nsm.Healing;

/// <summary>
/// The one way options are checked: every broken rule is collected (an operator fixes them all in one go, not one per
/// restart), each message starting with the configuration key the operator typed, e.g. <c>Nsm:Nsmgr:DialTimeout</c>.
/// </summary>
internal sealed class OptionsProblems(string section)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> All => _problems;

    /// <summary>Records "<c>{section}:{key} {rule}</c>" unless <paramref name="ok"/>.</summary>
    public void Check(bool ok, string key, string rule)
    {
        if (!ok)
        {
            _problems.Add($"{section}:{key} {rule}");
        }
    }

    /// <summary>Problems found elsewhere, already naming their keys.</summary>
    public void Add(IEnumerable<string> problems) => _problems.AddRange(problems);
}
