using System.Management.Automation;
using System.Reflection;
using VpcSecTools.Aws;
using VpcSecTools.Errors;
using VpcSecTools.IpMap;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

// Not VpcSecTools.Tests.Errors: that would hide the engine's Errors namespace from the other tests.
namespace VpcSecTools.Tests.ErrorIds;

/// <summary>
/// Every engine exception says its own ErrorId, kind and offending value; the catalogue reads them rather than
/// matching types or message text, and only the .NET exceptions a front end meets map by type.
/// </summary>
public sealed class ErrorCatalogTests
{
    private static readonly string[] Ids = typeof(ErrorCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    /// <summary>
    /// Exceptions that keep a .NET base by contract and never reach a front end: a stream's Read throws IOException,
    /// and the flow-log reader turns GzipDataException into the file's read error.
    /// </summary>
    private static readonly Type[] StreamExceptions = [typeof(VpcSecTools.FlowLogs.GzipDataException)];

    public static TheoryData<string> EngineExceptionTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(VpcSecToolsException).Assembly.GetExportedTypes()
                     .Where(t => t.IsSubclassOf(typeof(Exception)) && t != typeof(VpcSecToolsException) && !StreamExceptions.Contains(t)))
            data.Add(type.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(EngineExceptionTypes))]
    public void Every_engine_exception_carries_its_error_id(string typeName)
    {
        var type = typeof(VpcSecToolsException).Assembly.GetType(typeName)!;
        Assert.True(type.IsSubclassOf(typeof(VpcSecToolsException)), $"{type.Name} derives from VpcSecToolsException, so it names its own ErrorId and kind");
    }

    [Fact]
    public void Every_kind_is_a_PowerShell_error_category() =>
        Assert.All(Enum.GetNames<ErrorKind>(), k => Assert.True(Enum.TryParse<ErrorCategory>(k, out _), k));

    [Fact]
    public void The_catalogue_reads_the_id_kind_and_target_an_exception_carries()
    {
        var cases = new (Exception Exception, string Id, string Category, object? Target)[]
        {
            (SnapshotFormatException.NotFound("/x/snap.json"), ErrorCatalog.SnapshotNotFound, "ObjectNotFound", "given"),
            (new SnapshotFormatException("/x/snap.json:1:1", "no such file or folder"), ErrorCatalog.SnapshotInvalid, "InvalidData", "given"),
            (new VpcNotInSnapshotException("vpc-1"), ErrorCatalog.VpcNotFound, "ObjectNotFound", "vpc-1"),
            (ResourceNotInSnapshotException.Subnet("subnet-1"), ErrorCatalog.SubnetNotFound, "ObjectNotFound", "subnet-1"),
            (ResourceNotInSnapshotException.SecurityGroup("sg-1"), ErrorCatalog.SecurityGroupNotFound, "ObjectNotFound", "sg-1"),
            (new InvalidIpAddressException("10.1", "'10.1' is not an address"), ErrorCatalog.InvalidIpAddress, "InvalidArgument", "10.1"),
            (new EndpointNotFoundException("i-1", "no i-1"), ErrorCatalog.EndpointNotFound, "ObjectNotFound", "i-1"),
            (new AwsAccessDeniedException("DescribeVpcs", "us-east-1", "UnauthorizedOperation", "ec2:DescribeVpcs"), ErrorCatalog.AwsAccessDenied, "PermissionDenied", "ec2:DescribeVpcs"),
            (new AwsCallException("DescribeVpcs", "us-east-1", "Throttling", "slow down"), ErrorCatalog.AwsCallFailed, "ConnectionError", "DescribeVpcs"),
            (new FileWriteException("/x/out.json", new IOException("disk full")), ErrorCatalog.FileWriteFailed, "WriteError", "/x/out.json"),
        };
        foreach (var (exception, id, category, target) in cases)
        {
            var info = ErrorCatalog.Classify(exception, "given");
            Assert.Equal((id, category, target), (info.ErrorId, info.Category, info.Target));
            Assert.Contains(info.ErrorId, Ids);
        }
    }

    [Fact]
    public void A_file_error_of_unknown_direction_is_a_read_failure_not_a_write_failure()
    {
        Assert.Equal((ErrorCatalog.FileReadFailed, "ReadError"), Id(new IOException("device not ready")));
        Assert.Equal((ErrorCatalog.FileReadFailed, "ReadError"), Id(new UnauthorizedAccessException("denied")));
        Assert.Equal((ErrorCatalog.FileNotFound, "ObjectNotFound"), Id(new FileNotFoundException("gone", "/x/allow.json")));
        Assert.Equal((ErrorCatalog.InvalidArgument, "InvalidArgument"), Id(new FormatException("bad")));
        Assert.Equal((ErrorCatalog.Unexpected, "NotSpecified"), Id(new InvalidOperationException("bug")));

        static (string, string) Id(Exception e) { var i = ErrorCatalog.Classify(e); return (i.ErrorId, i.Category); }
    }

    [Fact]
    public void Writing_a_snapshot_where_a_folder_stands_is_a_write_failure_naming_the_file()
    {
        using var dir = new TestPaths.TempDir();
        var taken = Directory.CreateDirectory(Path.Combine(dir.Path, "taken.json")).FullName;
        var snapshot = SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway"));
        var e = Assert.Throws<FileWriteException>(() => SnapshotFile.Write(snapshot, taken));
        Assert.Equal((ErrorCatalog.FileWriteFailed, taken), (e.ErrorId, e.Target));
    }

    [Fact]
    public void The_catalogue_matches_no_message_text()
    {
        var source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src", "VpcSecTools.Core", "Errors", "ErrorCatalog.cs"));
        foreach (var text in new[] { ".Message ==", ".Message.", ".Problem", "Contains(", "StartsWith(" })
            Assert.DoesNotContain(text, source);
    }

    /// <summary>A parallel flow-log read (Parallel.For) throws its inputs' failures wrapped: the catalogue reports them, not the wrapper.</summary>
    [Fact]
    public void A_wrapped_failure_is_reported_as_itself_counting_the_others()
    {
        var cut = new AwsCallException("FilterLogEvents", "us-east-2", "ConnectionFailed", "FilterLogEvents in us-east-2 failed: the connection failed");
        var one = ErrorCatalog.Classify(new AggregateException(cut));
        Assert.Equal((ErrorCatalog.AwsCallFailed, "ConnectionError", cut.Message, (object?)"FilterLogEvents"), (one.ErrorId, one.Category, one.Message, one.Target));

        var three = ErrorCatalog.Classify(new AggregateException(cut, new AggregateException(new IOException("disk"), new IOException("disk"))));
        Assert.Equal(ErrorCatalog.AwsCallFailed, three.ErrorId);
        Assert.Equal(cut.Message + " (and 2 more failures)", three.Message);
    }
}
