using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>A group-by over many small files holds a table per worker, not one per file, until the merge.</summary>
/// <remarks>The heap is the process's: other tests running beside this one would move it either way, so it runs alone.</remarks>
[Collection(MemoryMeasurement.Name)]
public class GroupMemoryTests
{
    [Fact]
    public async Task Many_small_files_are_merged_as_they_are_read()
    {
        using var dir = new TestPaths.TempDir();
        const int files = 3000;
        for (int f = 0; f < files; f++)
            File.WriteAllText(dir.File($"{f:D5}.log"),
                $"2 123456789012 eni-0a1b2c3d 10.{f >> 8}.{f & 255}.1 10.0.1.9 1024 443 6 2 120 1700000000 1700000060 ACCEPT OK\n");
        var inputs = FlowLogPaths.Expand([dir.Path], out _);
        var query = new FlowLogQuery { GroupBy = ["srcaddr"], Top = 3 };
        new FlowLogReader(new FlowLogReadOptions { Threads = 2 }).Run(inputs, query);

        // The most the heap held (after a collection) during the read: each file's table is tens of KB, so 3,000 kept to
        // the end pass 60 MB.
        GC.Collect();
        long baseline = GC.GetTotalMemory(true), peak = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) { peak = Math.Max(peak, GC.GetTotalMemory(true)); Thread.Sleep(10); }
        });
        var result = new FlowLogReader(new FlowLogReadOptions { Threads = 2 }).Run(inputs, query);
        stop.Cancel();
        await watch;
        Assert.Equal(files, result.GroupCount);
        Assert.Equal(files, result.Matched);
        Assert.True(peak - baseline < 40L << 20, $"the heap grew by {(peak - baseline) >> 20} MB during the read");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurement { public const string Name = "Heap measurements run alone"; }
