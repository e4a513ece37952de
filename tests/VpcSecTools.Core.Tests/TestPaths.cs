namespace VpcSecTools.Tests;

/// <summary>Where the repository's fixtures and samples are, from the test binary's folder.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();
    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");
    public static string Batfish(string scenario) => Path.Combine(Fixtures, "batfish-aws", scenario);
    public static string Demo => Path.Combine(RepoRoot, "samples", "demo");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VpcSecTools.sln"))) return dir.FullName;
        throw new InvalidOperationException("VpcSecTools.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A fresh temporary folder, removed when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vpcsec-test-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }
}
