using System.Collections;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// The rules proposals authorize, found by group and direction: every proposal judges its "after" against those of the
/// safe proposals before it, so a scan of them all per flow would grow with the square of the proposals.
/// <see cref="With"/> lays one proposal's rules over the set without copying it.
/// </summary>
internal sealed class AddedRules : IEnumerable<SourceRule>
{
    private readonly AddedRules? _under;
    private readonly Dictionary<(string Group, bool Ingress), List<SourceRule>> _byGroup = [];
    private readonly List<SourceRule> _all = [];

    public AddedRules() { }

    private AddedRules(AddedRules under) => _under = under;

    public void AddRange(IEnumerable<SourceRule> rules)
    {
        foreach (var rule in rules)
        {
            _all.Add(rule);
            var key = (rule.GroupId, rule.Ingress);
            if (!_byGroup.TryGetValue(key, out var list)) _byGroup[key] = list = [];
            list.Add(rule);
        }
    }

    /// <summary>These rules and <paramref name="more"/>; the set must not change while the result is in use.</summary>
    public AddedRules With(IEnumerable<SourceRule> more)
    {
        var over = new AddedRules(this);
        over.AddRange(more);
        return over;
    }

    public IEnumerable<SourceRule> Of(string groupId, bool ingress)
    {
        // Asked for every rule of every flow: no enumerator of its own when one list (or none) answers.
        var own = _byGroup.GetValueOrDefault((groupId, ingress));
        if (_under is null) return own ?? (IEnumerable<SourceRule>)[];
        var under = _under.Of(groupId, ingress);
        return own is null ? under : under.Concat(own);
    }

    public IEnumerator<SourceRule> GetEnumerator() => (_under ?? Enumerable.Empty<SourceRule>()).Concat(_all).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
