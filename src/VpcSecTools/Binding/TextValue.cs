namespace VpcSecTools.Commands;

/// <summary>
/// A string parameter value that binds from the pipeline only as a string. PowerShell would turn any piped object
/// into a <c>string</c> parameter through its ToString() (an ENI object becoming a path or an address); this type
/// converts from strings alone, so an object binds by its properties or not at all (a binding error naming it).
/// </summary>
public sealed class TextValue
{
    private TextValue(string value) => Value = value;

    public string Value { get; }

    /// <summary>An empty string names nothing: refused at binding, as [ValidateNotNullOrEmpty] refuses it on a string.</summary>
    public static implicit operator TextValue(string value) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException("an empty string names nothing") : new(value);

    public override string ToString() => Value;
}
