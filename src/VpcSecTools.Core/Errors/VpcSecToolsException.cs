namespace VpcSecTools.Errors;

/// <summary>
/// What kind of failure an error is. The names are those of PowerShell's <c>ErrorCategory</c> (the engine does not
/// reference PowerShell), so a cmdlet converts by name and the CLI prints the same word.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidResult,
    ObjectNotFound,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    ReadError,
    WriteError,
}

/// <summary>
/// A failure the engine knows how to report: a stable ErrorId scripts can branch on, its kind, and the offending
/// value (a path, an id, an address, an IAM action). Each engine exception derives from this and says its own id,
/// so no front end classifies by type lists or message text.
/// </summary>
public abstract class VpcSecToolsException : Exception
{
    protected VpcSecToolsException(string errorId, ErrorKind kind, string message, object? target, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>One of the <see cref="ErrorCatalog"/> ids.</summary>
    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>The value the error is about, as the user gave it or as the engine found it.</summary>
    public object? Target { get; }
}

/// <summary>A file the engine was asked to write could not be written (permissions, disk, a folder in the way).</summary>
public sealed class FileWriteException(string path, Exception inner)
    : VpcSecToolsException(ErrorCatalog.FileWriteFailed, ErrorKind.WriteError, $"cannot write '{path}': {inner.Message}", path, inner);

/// <summary>A value the user gave that cannot be used here, named (InvalidArgument): the front end's own checks.</summary>
public sealed class InvalidValueException(string message, object? value)
    : VpcSecToolsException(ErrorCatalog.InvalidArgument, ErrorKind.InvalidArgument, message, value);
