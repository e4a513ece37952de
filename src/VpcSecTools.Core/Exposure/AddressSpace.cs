using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>
/// A set of addresses of one family as sorted disjoint intervals, with the difference that first-match
/// NACL evaluation needs ("what this entry decides that no earlier entry did").
/// </summary>
internal sealed class AddressSpace
{
    private readonly List<(UInt128 First, UInt128 Last)> _ranges = [];

    public AddressSpace(bool isIPv6) => IsIPv6 = isIPv6;

    public bool IsIPv6 { get; }
    public bool IsEmpty => _ranges.Count == 0;
    private UInt128 Max => IsIPv6 ? UInt128.MaxValue : uint.MaxValue;

    public bool CoversEverything => _ranges.Count == 1 && _ranges[0].First == 0 && _ranges[0].Last == Max;

    public void Add(Cidr cidr) => Add(cidr.First.Value, cidr.Last.Value);

    public void Add(AddressSpace other)
    {
        foreach (var (f, l) in other._ranges) Add(f, l);
    }

    private void Add(UInt128 first, UInt128 last)
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

    /// <summary>The part of <paramref name="cidr"/> not in this set.</summary>
    public AddressSpace Outside(Cidr cidr)
    {
        var result = new AddressSpace(IsIPv6);
        UInt128 cursor = cidr.First.Value, end = cidr.Last.Value;
        bool done = false;
        foreach (var (f, l) in _ranges)
        {
            if (l < cursor) continue;
            if (f > end) break;
            if (f > cursor) result.Add(cursor, f - 1);
            if (l >= end) { done = true; break; }
            cursor = l + 1;
        }
        if (!done) result.Add(cursor, end);
        return result;
    }

    /// <summary>Addresses in the set, saturating at UInt128.MaxValue.</summary>
    public UInt128 Size
    {
        get
        {
            UInt128 total = 0;
            foreach (var (f, l) in _ranges)
            {
                var span = l - f;
                if (span == UInt128.MaxValue || total > UInt128.MaxValue - span - 1) return UInt128.MaxValue;
                total += span + 1;
            }
            return total;
        }
    }
}
