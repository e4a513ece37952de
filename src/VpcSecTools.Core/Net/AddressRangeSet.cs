namespace VpcSecTools.Net;

/// <summary>
/// A union of CIDRs of one address family as sorted, disjoint intervals. Answers coverage questions
/// ("do these rules together open the whole internet?") by arithmetic, not by string comparison.
/// </summary>
public sealed class AddressRangeSet
{
    private readonly List<(UInt128 First, UInt128 Last)> _ranges = [];

    public AddressRangeSet(bool isIPv6) => IsIPv6 = isIPv6;

    public bool IsIPv6 { get; }
    public bool IsEmpty => _ranges.Count == 0;

    public static AddressRangeSet Of(bool isIPv6, IEnumerable<Cidr> cidrs)
    {
        var set = new AddressRangeSet(isIPv6);
        foreach (var c in cidrs) if (c.IsIPv6 == isIPv6) set.Add(c);
        return set;
    }

    public void Add(Cidr cidr)
    {
        if (cidr.IsIPv6 != IsIPv6) throw new ArgumentException($"{cidr} is not an {(IsIPv6 ? "IPv6" : "IPv4")} CIDR", nameof(cidr));
        AddRange(cidr.First.Value, cidr.Last.Value);
    }

    private void AddRange(UInt128 first, UInt128 last)
    {
        int i = 0;
        while (i < _ranges.Count && _ranges[i].Last != UInt128.MaxValue && _ranges[i].Last + 1 < first) i++;
        int j = i;
        while (j < _ranges.Count && (last == UInt128.MaxValue || _ranges[j].First <= last + 1))
        {
            first = UInt128.Min(first, _ranges[j].First);
            last = UInt128.Max(last, _ranges[j].Last);
            j++;
        }
        _ranges.RemoveRange(i, j - i);
        _ranges.Insert(i, (first, last));
    }

    /// <summary>Adds every range of <paramref name="other"/> (same family).</summary>
    public void Add(AddressRangeSet other)
    {
        if (other.IsIPv6 != IsIPv6) throw new ArgumentException("address families differ", nameof(other));
        foreach (var (f, l) in other._ranges) AddRange(f, l);
    }

    /// <summary>The part of <paramref name="cidr"/> not in this set (first-match evaluation: what an entry still decides).</summary>
    public AddressRangeSet Outside(Cidr cidr)
    {
        var result = new AddressRangeSet(IsIPv6);
        UInt128 cursor = cidr.First.Value, end = cidr.Last.Value;
        foreach (var (f, l) in _ranges)
        {
            if (l < cursor) continue;
            if (f > end) break;
            if (f > cursor) result.AddRange(cursor, f - 1);
            if (l >= end) return result;
            cursor = l + 1;
        }
        result.AddRange(cursor, end);
        return result;
    }

    public bool Covers(Cidr cidr) =>
        cidr.IsIPv6 == IsIPv6 && _ranges.Any(r => r.First <= cidr.First.Value && r.Last >= cidr.Last.Value);

    /// <summary>True when the union is the whole address space of the family (0.0.0.0/0 or ::/0).</summary>
    public bool CoversEverything => Covers(IsIPv6 ? Cidr.AnyIPv6 : Cidr.AnyIPv4);

    /// <summary>Number of addresses covered (saturating for IPv6).</summary>
    public UInt128 Size
    {
        get
        {
            UInt128 total = 0;
            foreach (var (first, last) in _ranges)
            {
                UInt128 span = last - first;
                if (span == UInt128.MaxValue || total > UInt128.MaxValue - span - 1) return UInt128.MaxValue;
                total += span + 1;
            }
            return total;
        }
    }
}
