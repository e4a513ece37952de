namespace VpcSecTools.Exposure;

/// <summary>Finding severity, ordered, with the labels Security Hub uses (CRITICAL ... INFORMATIONAL).</summary>
public enum Severity
{
    Informational = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>Conversions between <see cref="Severity"/> and the labels of ASFF and OCSF.</summary>
public static class SeverityLabels
{
    /// <summary>The ASFF <c>Severity.Label</c>: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL.</summary>
    public static string Label(this Severity severity) => severity.ToString().ToUpperInvariant();

    /// <summary>ASFF <c>Severity.Normalized</c> (0-100), the midpoint of each label's documented band.</summary>
    public static int Normalized(this Severity severity) => severity switch
    {
        Severity.Critical => 90,
        Severity.High => 70,
        Severity.Medium => 40,
        Severity.Low => 1,
        _ => 0,
    };

    /// <summary>OCSF <c>severity_id</c>: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.</summary>
    public static int OcsfId(this Severity severity) => (int)severity + 1;

    /// <summary>Parses a label in any case (<c>high</c>, <c>HIGH</c>, <c>info</c>).</summary>
    public static Severity Parse(string text)
    {
        var s = (text ?? "").Trim();
        if (s.Equals("info", StringComparison.OrdinalIgnoreCase)) return Severity.Informational;
        if (Enum.TryParse<Severity>(s, true, out var severity) && Enum.IsDefined(severity) && !int.TryParse(s, out _)) return severity;
        throw new FormatException($"'{text}' is not a severity (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL)");
    }
}
