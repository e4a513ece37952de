using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using Amazon.Runtime;
using VpcSecTools.Aws.Ec2;
using VpcSecTools.Aws.Rds;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws;

/// <summary>
/// Live capture of the EC2 network configuration into the snapshot model. One paginated call per resource
/// type per region (filtered by VPC where the API can), plus one per transit-gateway route table and per
/// prefix list; so the number of calls does not grow with the number of VPCs. Regions run in parallel, and
/// resource types in parallel within a region, both bounded. Every response goes through the loaders' own
/// reader (<see cref="InventoryBuilder.AddDocument"/>), so live and offline data build the same model.
/// </summary>
public static class Ec2Inventory
{
    /// <summary>
    /// Captures the requested regions. Access denied and unreadable responses mark the section missing and are
    /// returned as faults; credentials that cannot be used, and any other failure, stop the capture with one error.
    /// </summary>
    public static async Task<InventoryResult> CaptureAsync(AwsSdkConnection connection, InventoryRequest request,
        Action<InventoryProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var regions = await RegionsOf(connection, request, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var regionGate = new SemaphoreSlim(Math.Max(1, request.MaxParallelRegions));
        var faults = new ConcurrentQueue<AwsCallException>();
        int calls = 0;
        Exception? fatal = null;
        var tasks = regions.Select(async region =>
        {
            await regionGate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                using var ec2 = new Ec2Client(connection, region);
                using var rds = new RdsClient(connection, region);
                try { return await CaptureRegion(ec2, rds, request, faults, progress, stop.Token).ConfigureAwait(false); }
                finally { Interlocked.Add(ref calls, ec2.Calls + rds.Calls); }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The first real failure wins; the cancellations it causes in other regions are not news.
                if (e is not OperationCanceledException) Interlocked.CompareExchange(ref fatal, e, null);
                await stop.CancelAsync().ConfigureAwait(false);
                throw;
            }
            finally { regionGate.Release(); }
        }).ToArray();
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch (Exception) when (fatal is not null) { throw Rethrowable(fatal); }
        var snapshot = new VpcSnapshot
        {
            Metadata = new SnapshotMetadata
            {
                Source = connection.EndpointUrl is null ? "aws" : "aws " + connection.EndpointUrl,
                CapturedAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Generator = SnapshotFile.Generator,
            },
            Regions = tasks.Select(t => t.Result).ToArray(),
        };
        return new InventoryResult(snapshot, faults.ToArray(), calls);
    }

    private static Exception Rethrowable(Exception e) => e is AwsCallException or AwsConfigurationException ? e : new AggregateException(e);

    private static async Task<IReadOnlyList<string>> RegionsOf(AwsSdkConnection connection, InventoryRequest request, CancellationToken cancellationToken)
    {
        if (!request.AllRegions)
        {
            var named = request.Regions.Count > 0 ? request.Regions.Select(r => r.Trim()).ToArray() : [connection.Region];
            foreach (var region in named)
                if (!InventoryBuilder.IsRegionName(region)) throw new AwsConfigurationException($"-Region '{region}' is not a region name such as eu-west-1");
            return named.Distinct(StringComparer.Ordinal).ToArray();
        }
        using var ec2 = new Ec2Client(connection, connection.Region);
        // Without AllRegions=true, DescribeRegions lists only the regions enabled for the account.
        var pages = await ec2.ListAsync(Ec2Operations.DescribeRegions, [], null, cancellationToken).ConfigureAwait(false);
        return pages.OfType<DescribeRegionsResponse>().SelectMany(p => p.Regions ?? [])
            .Select(r => r.RegionName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>One top-level step: an operation (or a parent operation and its per-parent calls).</summary>
    private sealed record Step(string Section, Func<RegionCapture, CancellationToken, Task> Run);

    private static async Task<RegionInventory> CaptureRegion(Ec2Client ec2, RdsClient rds, InventoryRequest request, ConcurrentQueue<AwsCallException> faults,
        Action<InventoryProgress>? progress, CancellationToken cancellationToken)
    {
        var capture = new RegionCapture(ec2, rds, request.VpcIds, Math.Max(1, request.MaxParallelCallsPerRegion));
        var steps = Plan();
        int done = 0;
        progress?.Invoke(new InventoryProgress(ec2.Region, "start", 0, steps.Count));
        await Task.WhenAll(steps.Select(async step =>
        {
            await step.Run(capture, cancellationToken).ConfigureAwait(false);
            progress?.Invoke(new InventoryProgress(ec2.Region, step.Section, Interlocked.Increment(ref done), steps.Count));
        })).ConfigureAwait(false);
        foreach (var fault in capture.Faults) faults.Enqueue(fault);
        progress?.Invoke(new InventoryProgress(ec2.Region, "region", steps.Count, steps.Count));
        return capture.Build();
    }

    private static IReadOnlyList<Step> Plan() =>
    [
        Simple(Section.Vpcs, Ec2Operations.DescribeVpcs),
        Simple(Section.Subnets, Ec2Operations.DescribeSubnets),
        Simple(Section.RouteTables, Ec2Operations.DescribeRouteTables),
        Simple(Section.NetworkAcls, Ec2Operations.DescribeNetworkAcls),
        Simple(Section.SecurityGroups, Ec2Operations.DescribeSecurityGroups),
        Simple(Section.NetworkInterfaces, Ec2Operations.DescribeNetworkInterfaces),
        Simple(Section.Reservations, Ec2Operations.DescribeInstances),
        Simple(Section.InternetGateways, Ec2Operations.DescribeInternetGateways),
        Simple(Section.EgressOnlyInternetGateways, Ec2Operations.DescribeEgressOnlyInternetGateways),
        Simple(Section.NatGateways, Ec2Operations.DescribeNatGateways),
        Simple(Section.VpcEndpoints, Ec2Operations.DescribeVpcEndpoints),
        Simple(Section.VpcPeeringConnections, Ec2Operations.DescribeVpcPeeringConnections),
        Simple(Section.TransitGateways, Ec2Operations.DescribeTransitGateways),
        Simple(Section.TransitGatewayAttachments, Ec2Operations.DescribeTransitGatewayAttachments),
        Simple(Section.TransitGatewayVpcAttachments, Ec2Operations.DescribeTransitGatewayVpcAttachments),
        new(Section.TransitGatewayRouteTables, (c, ct) => c.TransitGatewayRouteTablesAsync(ct)),
        new(Section.PrefixLists, (c, ct) => c.PrefixListsAsync(ct)),
        Simple(Section.VpnGateways, Ec2Operations.DescribeVpnGateways),
        Simple(Section.VpnConnections, Ec2Operations.DescribeVpnConnections),
        Simple(Section.CustomerGateways, Ec2Operations.DescribeCustomerGateways),
        Simple(Section.FlowLogs, Ec2Operations.DescribeFlowLogs),
        new(Section.DBSubnetGroups, (c, ct) => c.DBSubnetGroupsAsync(ct)),
    ];

    private static Step Simple(string section, Ec2Operation operation) => new(section, (c, ct) => c.ListAsync(section, operation, ct));

    /// <summary>
    /// The sections of one region as they arrive from parallel calls, each page read into the CLI's shape as it comes
    /// (<see cref="Ec2ModelReader"/>). A section whose call was denied or unreadable is dropped whole and recorded as
    /// missing, so nothing half-read is presented as complete.
    /// </summary>
    private sealed class RegionCapture(Ec2Client ec2, RdsClient rds, IReadOnlyList<string> vpcIds, int parallelCalls)
    {
        private readonly SemaphoreSlim _gate = new(parallelCalls);
        private readonly ConcurrentDictionary<string, ConcurrentQueue<(JsonObject Document, string Operation)>> _documents = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, AwsCallException> _failed = new(StringComparer.Ordinal);

        public IEnumerable<AwsCallException> Faults => _failed.Values.Distinct().OrderBy(f => f.Operation, StringComparer.Ordinal);

        private async Task<IReadOnlyList<AmazonWebServiceResponse>> Pages(Ec2Operation operation, IReadOnlyList<Ec2Filter> filters,
            string? parentId, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { return await ec2.ListAsync(operation, filters, parentId, cancellationToken).ConfigureAwait(false); }
            finally { _gate.Release(); }
        }

        /// <summary>Runs a call for <paramref name="sections"/>; a denied or unreadable answer marks them all missing.</summary>
        private async Task<T?> Guard<T>(string[] sections, Func<Task<T>> call) where T : class
        {
            try { return await call().ConfigureAwait(false); }
            catch (AwsCallException e) when (e is AwsAccessDeniedException or AwsMalformedResponseException)
            {
                foreach (var section in sections) _failed.TryAdd(section, e);
                return null;
            }
        }

        private void Capture(string section) => _documents.GetOrAdd(section, _ => new());

        /// <summary>Reads a response (or a per-parent item) into the section's documents; what does not fit marks it unreadable.</summary>
        private void Add(string section, Ec2Operation operation, Func<string, JsonObject> read)
        {
            var place = $"aws ec2 {operation.Name} ({ec2.Region})";
            try { _documents.GetOrAdd(section, _ => new()).Enqueue((read(place), operation.Name)); }
            catch (SnapshotFormatException e) { _failed.TryAdd(section, new AwsMalformedResponseException(operation.Name, ec2.Region, e.Message, e)); }
        }

        /// <summary>All pages of a top-level operation; with VPC ids, one filtered call per VPC filter name.</summary>
        public async Task ListAsync(string section, Ec2Operation operation, CancellationToken cancellationToken)
        {
            var filterSets = vpcIds.Count == 0 || operation.VpcFilters.Length == 0
                ? [[]]
                : operation.VpcFilters.Select(name => (IReadOnlyList<Ec2Filter>)[new Ec2Filter(name, vpcIds.ToArray())]).ToArray();
            var results = await Guard([section], async () => await Task.WhenAll(filterSets.Select(f => Pages(operation, f, null, cancellationToken))).ConfigureAwait(false)).ConfigureAwait(false);
            if (results is null) return;
            Capture(section);
            foreach (var page in results.SelectMany(p => p)) Add(section, operation, place => Ec2ModelReader.ToDocument(page, place));
        }

        /// <summary>RDS's DB subnet groups; the API cannot filter by VPC, so the groups of other VPCs are left out here.</summary>
        public async Task DBSubnetGroupsAsync(CancellationToken cancellationToken)
        {
            var groups = await Guard([Section.DBSubnetGroups], () => rds.DescribeDBSubnetGroupsAsync(cancellationToken)).ConfigureAwait(false);
            if (groups is null) return;
            var kept = groups.Where(g => vpcIds.Count == 0 || (g["VpcId"] is JsonValue v && v.TryGetValue<string>(out var vpc) && vpcIds.Contains(vpc)));
            _documents.GetOrAdd(Section.DBSubnetGroups, _ => new())
                .Enqueue((new JsonObject { [Section.DBSubnetGroups] = new JsonArray(kept.Select(g => (JsonNode)g.DeepClone()).ToArray()) }, RdsClient.DescribeDBSubnetGroups));
        }

        /// <summary>Route tables, then for each: static and propagated routes, associations, propagations.</summary>
        public async Task TransitGatewayRouteTablesAsync(CancellationToken cancellationToken)
        {
            string[] children = [Section.TransitGatewayStaticRoutes, Section.TransitGatewayPropagatedRoutes, Section.TransitGatewayRouteTableAssociations, Section.TransitGatewayPropagations];
            var operation = Ec2Operations.DescribeTransitGatewayRouteTables;
            var pages = await Guard([Section.TransitGatewayRouteTables, .. children], () => Pages(operation, [], null, cancellationToken)).ConfigureAwait(false);
            if (pages is null) return;
            Capture(Section.TransitGatewayRouteTables);
            foreach (var page in pages) Add(Section.TransitGatewayRouteTables, operation, place => Ec2ModelReader.ToDocument(page, place));
            foreach (var child in children) Capture(child);
            var tables = pages.OfType<DescribeTransitGatewayRouteTablesResponse>().SelectMany(p => p.TransitGatewayRouteTables ?? [])
                .Select(t => t.TransitGatewayRouteTableId).OfType<string>().Distinct(StringComparer.Ordinal);
            await Task.WhenAll(tables.SelectMany(table => new[]
            {
                Routes(table, "static", Section.TransitGatewayStaticRoutes, cancellationToken),
                Routes(table, "propagated", Section.TransitGatewayPropagatedRoutes, cancellationToken),
                PerParent<GetTransitGatewayRouteTableAssociationsResponse>(Section.TransitGatewayRouteTableAssociations, Ec2Operations.GetTransitGatewayRouteTableAssociations,
                    table, r => r.Associations, "Associations", cancellationToken),
                PerParent<GetTransitGatewayRouteTablePropagationsResponse>(Section.TransitGatewayPropagations, Ec2Operations.GetTransitGatewayRouteTablePropagations,
                    table, r => r.TransitGatewayRouteTablePropagations, "TransitGatewayRouteTablePropagations", cancellationToken),
            })).ConfigureAwait(false);
        }

        /// <summary>Managed prefix lists, then the entries of each.</summary>
        public async Task PrefixListsAsync(CancellationToken cancellationToken)
        {
            var operation = Ec2Operations.DescribeManagedPrefixLists;
            var pages = await Guard([Section.PrefixLists, Section.PrefixListEntries], () => Pages(operation, [], null, cancellationToken)).ConfigureAwait(false);
            if (pages is null) return;
            Capture(Section.PrefixLists);
            Capture(Section.PrefixListEntries);
            foreach (var page in pages) Add(Section.PrefixLists, operation, place => Ec2ModelReader.ToDocument(page, place));
            var lists = pages.OfType<DescribeManagedPrefixListsResponse>().SelectMany(p => p.PrefixLists ?? [])
                .Select(l => l.PrefixListId).OfType<string>().Distinct(StringComparer.Ordinal);
            await Task.WhenAll(lists.Select(list => PerParent<GetManagedPrefixListEntriesResponse>(Section.PrefixListEntries,
                Ec2Operations.GetManagedPrefixListEntries, list, r => r.Entries, "Entries", cancellationToken))).ConfigureAwait(false);
        }

        /// <summary>
        /// SearchTransitGatewayRoutes with <c>type</c>, as Batfish's collector stores it: one item per route table with
        /// Routes and AdditionalRoutesAvailable (true means the service left routes out, so the list is incomplete).
        /// </summary>
        private async Task Routes(string table, string type, string section, CancellationToken cancellationToken)
        {
            var operation = Ec2Operations.SearchTransitGatewayRoutes;
            var pages = await Guard([section], () => Pages(operation, [new Ec2Filter("type", type)], table, cancellationToken)).ConfigureAwait(false);
            if (pages is null) return;
            var responses = pages.OfType<SearchTransitGatewayRoutesResponse>().ToArray();
            var item = new Dictionary<string, object?>
            {
                ["TransitGatewayRouteTableId"] = table,
                ["Routes"] = responses.SelectMany(r => r.Routes ?? []).ToArray(),
                ["AdditionalRoutesAvailable"] = responses.LastOrDefault()?.AdditionalRoutesAvailable,
            };
            Add(section, operation, place => Ec2ModelReader.ToDocument(Section.TryGet(section, out var s) ? s : throw new InvalidOperationException(section), [item], place));
        }

        /// <summary>A per-parent Get* call, all pages merged into the one wrapper item the snapshot keeps per parent.</summary>
        private async Task PerParent<TResponse>(string section, Ec2Operation operation, string parentId, Func<TResponse, IEnumerable<object>?> items,
            string itemKey, CancellationToken cancellationToken) where TResponse : AmazonWebServiceResponse
        {
            var pages = await Guard([section], () => Pages(operation, [], parentId, cancellationToken)).ConfigureAwait(false);
            if (pages is null) return;
            Section.TryGet(section, out var known);
            var item = new Dictionary<string, object?>
            {
                [known.IdName] = parentId,
                [itemKey] = pages.OfType<TResponse>().SelectMany(p => items(p) ?? []).ToArray(),
            };
            Add(section, operation, place => Ec2ModelReader.ToDocument(known, [item], place));
        }

        /// <summary>
        /// The region's inventory through the loaders' reader. A section the reader refuses (a member the model needs is
        /// missing from the response) is marked unreadable and the region built again without it.
        /// </summary>
        public RegionInventory Build()
        {
            while (true)
            {
                var builder = new InventoryBuilder(ec2.Region);
                string? reading = null;
                try
                {
                    foreach (var (section, documents) in _documents.OrderBy(d => d.Key, StringComparer.Ordinal))
                    {
                        if (_failed.ContainsKey(section) || !Section.TryGet(section, out var known)) continue;
                        reading = section;
                        builder.Capture(known);
                        foreach (var (document, operation) in documents)
                            builder.AddDocument(JsonSerializer.SerializeToElement(document), $"aws {(section == Section.DBSubnetGroups ? "rds" : "ec2")} {operation} ({ec2.Region})");
                    }
                }
                catch (SnapshotFormatException e) when (reading is not null)
                {
                    var operation = _documents[reading].FirstOrDefault().Operation ?? reading;
                    _failed.TryAdd(reading, new AwsMalformedResponseException(operation, ec2.Region, e.Message, e));
                    continue;
                }
                foreach (var (section, fault) in _failed.OrderBy(f => f.Key, StringComparer.Ordinal))
                    builder.AddMissing(new MissingSection(section, fault.ErrorCode, fault.Message));
                return builder.Build();
            }
        }
    }
}
