using System.Runtime.CompilerServices;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Turns on System.IO.Compression's strict validation as soon as the engine loads. Without it a truncated
/// gzip member reads as a clean end of data, and the records after the cut vanish without a word. The
/// runtime reads the switch once per process, so it must be set before anything decompresses:
/// executables also set it in their runtimeconfig (RuntimeHostConfigurationOption).
/// </summary>
internal static class StrictGzip
{
    public const string Switch = "System.IO.Compression.UseStrictValidation";

#pragma warning disable CA2255 // The engine's own process-wide setting, needed before any gzip is read.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Enable() => AppContext.SetSwitch(Switch, true);
}
