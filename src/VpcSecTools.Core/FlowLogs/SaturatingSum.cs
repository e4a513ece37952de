using System.Globalization;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Sums of flow-log counts (bytes, packets, records) saturate at the largest long instead of wrapping negative; objects keep
/// that number, and text says the true sum is at least it, where the number alone would read as exact.
/// </summary>
public static class SaturatingSum
{
    /// <summary>Whether a sum saturated: the true sum is at least this, maybe more.</summary>
    public static bool Saturated(long sum) => sum == long.MaxValue;

    /// <summary>A sum as text: "at least 9223372036854775807" when it saturated.</summary>
    public static string Text(long sum) => Saturated(sum) ? AtLeast(sum.ToString(CultureInfo.InvariantCulture)) : sum.ToString(CultureInfo.InvariantCulture);

    /// <summary>A figure drawn from a saturated sum (GB, a cost), as text.</summary>
    public static string AtLeast(string figure) => "at least " + figure;
}
