using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// AWSSDK types never cross the module's boundary: the module loads VpcSecTools.Aws and AWSSDK.* in its own load
/// context, so an AWSSDK type handed to PowerShell would be a different type from the AWS.Tools one of the same
/// name. The cmdlets and the engine (PowerShell's default context) reference no AWSSDK assembly at all; the
/// adapters hand none out. And the module works in a session that already holds another AWSSDK.Core.
/// </summary>
public sealed class IsolationTests(AssembledModule module) : IClassFixture<AssembledModule>
{
    private static bool IsAwsSdk(Type type) =>
        type.Assembly.GetName().Name!.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase)
        || (type.HasElementType && IsAwsSdk(type.GetElementType()!))
        || (type.IsGenericType && !type.IsGenericTypeDefinition && type.GetGenericArguments().Any(IsAwsSdk));

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Public types whose public surface mentions an AWSSDK type, with where.</summary>
    internal static IEnumerable<string> Exposures(Assembly assembly, bool includeParameters)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            var mentioned = new List<(string Where, Type Type)>();
            if (type.BaseType is { } baseType) mentioned.Add(("base type", baseType));
            mentioned.AddRange(type.GetInterfaces().Select(i => ("interface", i)));
            mentioned.AddRange(type.GetProperties(Declared).Select(p => ($"property {p.Name}", p.PropertyType)));
            mentioned.AddRange(type.GetFields(Declared).Select(f => ($"field {f.Name}", f.FieldType)));
            mentioned.AddRange(type.GetMethods(Declared).Where(m => !m.IsSpecialName).Select(m => ($"method {m.Name}", m.ReturnType)));
            if (includeParameters)
                mentioned.AddRange(type.GetConstructors().Cast<MethodBase>().Concat(type.GetMethods(Declared))
                    .SelectMany(m => m.GetParameters().Select(p => ($"{m.Name}({p.Name})", p.ParameterType))));
            foreach (var (where, mentionedType) in mentioned.Where(m => IsAwsSdk(m.Type)))
                yield return $"{type.FullName} {where}: {mentionedType.FullName}";
        }
    }

    [Fact]
    public void The_cmdlets_and_the_engine_reference_no_AWSSDK_assembly()
    {
        foreach (var assembly in new[] { ModuleSurface.CmdletAssembly, ModuleSurface.CoreAssembly })
            Assert.All(assembly.GetReferencedAssemblies(), r => Assert.False(r.Name!.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase) || r.Name == "VpcSecTools.Aws",
                $"{assembly.GetName().Name} references {r.Name}; it loads in PowerShell's default context, where AWS.Tools' AWSSDK may be"));
        Assert.Empty(Exposures(ModuleSurface.CmdletAssembly, includeParameters: true));
        Assert.Empty(Exposures(ModuleSurface.CoreAssembly, includeParameters: true));
    }

    [Fact]
    public void The_AWS_adapters_hand_out_no_AWSSDK_type() =>
        Assert.Empty(Exposures(typeof(VpcSecTools.Aws.AwsSdkConnector).Assembly, includeParameters: false));

    [Fact]
    public void The_check_sees_an_AWSSDK_type_when_there_is_one()
    {
        Assert.False(IsAwsSdk(typeof(List<string>)));
        var sdkType = typeof(Amazon.Runtime.AWSCredentials);
        Assert.True(IsAwsSdk(sdkType));
        Assert.True(IsAwsSdk(typeof(List<>).MakeGenericType(sdkType)));
        Assert.True(IsAwsSdk(sdkType.MakeArrayType()));
    }

    public static TheoryData<string, bool> ForeignSdks()
    {
        var data = new TheoryData<string, bool>();
        foreach (var version in TestTools.ForeignAwsSdkCoreVersions) { data.Add(version, true); data.Add(version, false); }
        return data;
    }

    /// <summary>
    /// In a stand-in session that loads another AWSSDK.Core (as AWS.Tools does) before or after the module, the module
    /// captures live through its own AWSSDK.Core, and the session's keeps working.
    /// </summary>
    [Theory]
    [MemberData(nameof(ForeignSdks))]
    public async Task The_module_captures_live_beside_a_foreign_AWSSDK_Core(string version, bool sdkFirst)
    {
        var foreignPath = TestTools.ForeignAwsSdkCore(version);
        Assert.True(File.Exists(foreignPath), $"{foreignPath} is missing: the test project restores it (tests/TestTools.targets)");
        using var server = Ec2Wire.Serve("test-nat-gateway");
        var session = new SessionContext(module.Folder, Path.GetDirectoryName(foreignPath)!);
        Assembly LoadForeign()
        {
            var sdk = session.LoadFromAssemblyName(new AssemblyName("AWSSDK.Core"));
            // The session's own SDK works, as AWS.Tools would use it.
            var credentials = Activator.CreateInstance(sdk.GetType("Amazon.Runtime.BasicAWSCredentials", throwOnError: true)!, "AKIDFOREIGN", "secret")!;
            var immutable = credentials.GetType().GetMethod("GetCredentials", Type.EmptyTypes)!.Invoke(credentials, null)!;
            Assert.Equal("AKIDFOREIGN", immutable.GetType().GetProperty("AccessKey")!.GetValue(immutable));
            return sdk;
        }
        var foreign = sdkFirst ? LoadForeign() : null;
        var cmdlets = session.LoadFromAssemblyPath(module.File("VpcSecTools.dll"));
        var connector = SessionContext.Connector(cmdlets);
        foreign ??= LoadForeign();

        // A live capture, through the session's VpcSecTools.Core types and the module's AWSSDK.Core.
        var engine = session.LoadFromAssemblyName(new AssemblyName("VpcSecTools.Core"));
        var request = Activator.CreateInstance(engine.GetType("VpcSecTools.Aws.AwsConnectionRequest", throwOnError: true)!)!;
        foreach (var (name, value) in new (string, object)[]
                 {
                     ("Region", Ec2Wire.Region), ("AccessKey", "AKIDEXAMPLE"), ("SecretKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                     ("EndpointUrl", server.Url), ("Environment", (Func<string, string?>)(_ => null)),
                 })
            request.GetType().GetProperty(name)!.SetValue(request, value);
        var connection = connector.GetType().GetMethod("Connect")!.Invoke(connector, [request])!;
        var inventory = Activator.CreateInstance(engine.GetType("VpcSecTools.Aws.InventoryRequest", throwOnError: true)!)!;
        var capture = (Task)connection.GetType().GetMethod("CaptureAsync")!.Invoke(connection, [inventory, null, CancellationToken.None])!;
        await capture;
        dynamic result = capture.GetType().GetProperty("Result")!.GetValue(capture)!;
        static int Count(object list) => ((System.Collections.IEnumerable)list).Cast<object>().Count();
        Assert.Equal(0, Count(result.Faults));
        Assert.Equal(1, Count(result.Snapshot.Regions));
        Assert.Equal(1, Count(((System.Collections.IEnumerable)result.Snapshot.Regions).Cast<dynamic>().Single().Vpcs));

        var own = AssemblyLoadContext.GetLoadContext(connector.GetType().Assembly)!;
        var ours = own.LoadFromAssemblyName(new AssemblyName("AWSSDK.Core"));
        Assert.Equal(Path.GetFullPath(module.File("bin", "AWSSDK.Core.dll")), ours.Location);
        Assert.Equal(foreignPath, foreign.Location);
        // By file version: AWSSDK keeps its assembly version (4.0.0.0 for 4.0 and 4.1 alike), which is why they clash.
        Assert.StartsWith(version, FileVersionInfo.GetVersionInfo(foreign.Location).FileVersion);
        // Two copies, even of the same version (AWS.Tools 5 carries the module's own 4.1.1): one per context.
        Assert.NotSame(foreign, ours);
        Assert.NotSame(AssemblyLoadContext.GetLoadContext(foreign), own);
    }
}
