namespace VpcSecTools.Tests.Module;

/// <summary>
/// The module folder src/VpcSecTools.Module assembled when this test project was built (the project references it):
/// the same target build.ps1 and build.sh run.
/// </summary>
public sealed class AssembledModule
{
    public string Folder { get; } = TestTools.ModuleFolder;

    public AssembledModule()
    {
        if (!System.IO.File.Exists(File("VpcSecTools.psd1")))
            throw new InvalidOperationException($"{Folder} holds no module: build the test project (it builds src/VpcSecTools.Module).");
    }

    public string File(params string[] parts) => Path.Combine([Folder, .. parts]);
}
