using System.Runtime.InteropServices;

namespace VpcSecTools.Files;

/// <summary>What a path names, links followed.</summary>
internal enum FileType { Missing, Regular, Folder, Fifo, Socket, CharacterDevice, BlockDevice, Other }

/// <summary>
/// What the local file system says about a path, for every reader of local files (snapshot folders, flow-log folders):
/// where it really leads, and what kind of file is there, found without opening it (opening a FIFO for reading waits
/// for a writer, so a folder holding one must be walked without opening what it finds).
/// </summary>
internal static class LocalFiles
{
    /// <summary>The kernel's limit on links followed in one path (ELOOP past it).</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The type of the file a path leads to. .NET's file APIs call FIFOs, sockets and devices "Normal" files, so on Unix
    /// the type comes from stat(2) through the runtime's own native shim (its FileStatus starts with the flags and the
    /// st_mode bits on every .NET version); where that is not available, an empty file is taken for a special one.
    /// </summary>
    public static FileType TypeOf(string path)
    {
        if (Directory.Exists(path)) return FileType.Folder;
        if (!File.Exists(path)) return FileType.Missing;
        if (OperatingSystem.IsWindows()) return FileType.Regular;
        try
        {
            var status = new byte[512];
            if (Stat([.. System.Text.Encoding.UTF8.GetBytes(path), 0], status) != 0) return FileType.Missing;
            return (BitConverter.ToInt32(status, 4) & 0xF000) switch
            {
                0x8000 => FileType.Regular,
                0x4000 => FileType.Folder,
                0x1000 => FileType.Fifo,
                0xC000 => FileType.Socket,
                0x2000 => FileType.CharacterDevice,
                0x6000 => FileType.BlockDevice,
                _ => FileType.Other,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Special files report no length; an empty regular file holds nothing to read, so nothing is lost by skipping it.
            return new FileInfo(path).Length > 0 ? FileType.Regular : FileType.Other;
        }
    }

    public static string Describe(FileType type) => type switch
    {
        FileType.Fifo => "FIFO (named pipe)",
        FileType.Socket => "socket",
        FileType.CharacterDevice => "character device",
        FileType.BlockDevice => "block device",
        _ => "special or empty file",
    };

    /// <summary>What a caller says of a path <see cref="RealPath"/> cannot resolve.</summary>
    public const string LinkLoop = "too many levels of symbolic links (a loop)";

    /// <summary>
    /// The path with every link in it resolved, component by component (as realpath(3) does), so two paths to one file
    /// or folder compare equal; null past <see cref="MaxLinks"/> links (a loop). A dangling link leaves the rest of the
    /// path as it is (the caller then finds nothing there).
    /// </summary>
    public static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var real = root;
        var rest = new Queue<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        for (int links = 0; rest.Count > 0;)
        {
            var next = Path.Combine(real, rest.Dequeue());
            string? target;
            try { target = new FileInfo(next).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { target = null; }
            if (target is null) { real = next; continue; }
            if (++links > MaxLinks) return null;
            // The target replaces the link: relative targets are read from the link's folder, then walked again.
            var resolved = Path.GetFullPath(Path.Combine(real, target));
            var resolvedRoot = Path.GetPathRoot(resolved) ?? "/";
            rest = new Queue<string>(resolved[resolvedRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
            real = resolvedRoot;
        }
        return real;
    }

    /// <summary>The path as NUL-terminated UTF-8; the status buffer is larger than any version's FileStatus.</summary>
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat(byte[] path, byte[] status);
}
