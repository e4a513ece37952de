using System.Runtime.InteropServices;

namespace VpcSecTools.FlowLogs;

/// <summary>What a path names, links followed.</summary>
internal enum FileType { Missing, Regular, Folder, Fifo, Socket, CharacterDevice, BlockDevice, Other }

/// <summary>
/// The type of a file without opening it: opening a FIFO for reading waits for a writer, so a folder holding one
/// must be walked without opening what it finds. .NET's file APIs call FIFOs, sockets and devices "Normal" files, so
/// on Unix the type comes from stat(2) through the runtime's own native shim (its FileStatus starts with the flags
/// and the st_mode bits on every .NET version); where that is not available, an empty file is taken for a special one.
/// </summary>
internal static class FileTypes
{
    public static FileType Of(string path)
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
            // Special files report no length; an empty regular file holds no records, so nothing is lost by skipping it.
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

    /// <summary>The path as NUL-terminated UTF-8; the status buffer is larger than any version's FileStatus.</summary>
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat(byte[] path, byte[] status);
}
