namespace VpcSecTools.Net;

/// <summary>
/// A binary trie of CIDRs for longest-prefix match, IPv4 and IPv6 side by side.
/// Nodes live in flat arrays so a lookup is a walk over ints, with no allocation.
/// </summary>
/// <remarks>Build once, then read from any number of threads.</remarks>
public sealed class PrefixTrie<T>
{
    // Node i: children at 2i, 2i+1 in _children; value index in _valueAt (-1 = none).
    private readonly List<int> _children = [];
    private readonly List<int> _valueAt = [];
    private readonly List<(Cidr Cidr, T Value)> _values = [];
    private readonly int _rootV4, _rootV6;

    public PrefixTrie()
    {
        _rootV4 = NewNode();
        _rootV6 = NewNode();
    }

    public int Count => _values.Count;

    /// <summary>Adds or replaces the value stored at exactly this prefix.</summary>
    public void Set(Cidr cidr, T value)
    {
        int node = cidr.IsIPv6 ? _rootV6 : _rootV4;
        int bits = cidr.Network.Bits;
        for (int depth = 0; depth < cidr.Prefix; depth++)
        {
            int bit = (int)(cidr.Network.Value >> (bits - 1 - depth)) & 1;
            int slot = 2 * node + bit;
            if (_children[slot] < 0)
            {
                int child = NewNode();
                _children[slot] = child;
            }
            node = _children[slot];
        }
        if (_valueAt[node] >= 0) _values[_valueAt[node]] = (cidr, value);
        else { _valueAt[node] = _values.Count; _values.Add((cidr, value)); }
    }

    /// <summary>The value at exactly this prefix, if any.</summary>
    public bool TryGetExact(Cidr cidr, out T value)
    {
        int node = Walk(cidr.Network, cidr.Prefix);
        if (node >= 0 && _valueAt[node] >= 0) { value = _values[_valueAt[node]].Value; return true; }
        value = default!;
        return false;
    }

    /// <summary>The most specific prefix containing <paramref name="address"/>.</summary>
    public bool TryLongestMatch(IpAddress address, out Cidr cidr, out T value)
    {
        int node = address.IsIPv6 ? _rootV6 : _rootV4;
        int bits = address.Bits, best = _valueAt[node];
        for (int depth = 0; depth < bits; depth++)
        {
            int bit = (int)(address.Value >> (bits - 1 - depth)) & 1;
            node = _children[2 * node + bit];
            if (node < 0) break;
            if (_valueAt[node] >= 0) best = _valueAt[node];
        }
        if (best >= 0) { (cidr, value) = _values[best]; return true; }
        cidr = default; value = default!;
        return false;
    }

    /// <summary>Every stored prefix containing <paramref name="address"/>, most specific first.</summary>
    public IReadOnlyList<(Cidr Cidr, T Value)> Matches(IpAddress address)
    {
        var found = new List<(Cidr, T)>();
        int node = address.IsIPv6 ? _rootV6 : _rootV4;
        int bits = address.Bits;
        if (_valueAt[node] >= 0) found.Add(_values[_valueAt[node]]);
        for (int depth = 0; depth < bits; depth++)
        {
            int bit = (int)(address.Value >> (bits - 1 - depth)) & 1;
            node = _children[2 * node + bit];
            if (node < 0) break;
            if (_valueAt[node] >= 0) found.Add(_values[_valueAt[node]]);
        }
        found.Reverse();
        return found;
    }

    /// <summary>Every stored prefix that overlaps <paramref name="cidr"/> (contains it or lies inside it).</summary>
    public IEnumerable<(Cidr Cidr, T Value)> Overlapping(Cidr cidr)
    {
        foreach (var match in Matches(cidr.Network))
            if (match.Cidr.Prefix <= cidr.Prefix) yield return match;
        int node = Walk(cidr.Network, cidr.Prefix);
        if (node < 0) yield break;
        var stack = new Stack<int>();
        PushChildren(node, stack);
        while (stack.Count > 0)
        {
            int n = stack.Pop();
            if (_valueAt[n] >= 0) yield return _values[_valueAt[n]];
            PushChildren(n, stack);
        }
    }

    public IEnumerable<(Cidr Cidr, T Value)> All => _values;

    private void PushChildren(int node, Stack<int> stack)
    {
        if (_children[2 * node] >= 0) stack.Push(_children[2 * node]);
        if (_children[2 * node + 1] >= 0) stack.Push(_children[2 * node + 1]);
    }

    private int Walk(IpAddress network, int prefix)
    {
        int node = network.IsIPv6 ? _rootV6 : _rootV4;
        int bits = network.Bits;
        for (int depth = 0; depth < prefix && node >= 0; depth++)
        {
            int bit = (int)(network.Value >> (bits - 1 - depth)) & 1;
            node = _children[2 * node + bit];
        }
        return node;
    }

    private int NewNode()
    {
        int id = _valueAt.Count;
        _valueAt.Add(-1);
        _children.Add(-1);
        _children.Add(-1);
        return id;
    }
}
