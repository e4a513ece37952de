namespace VpcSecTools.Tests;

/// <summary>Tests that change process environment variables run one at a time, and put them back.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";

    public static IDisposable Set(params (string Name, string? Value)[] values)
    {
        var saved = values.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
        foreach (var (name, value) in values) Environment.SetEnvironmentVariable(name, value);
        return new Restore(saved);
    }

    private sealed class Restore((string Name, string? Value)[] saved) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
