using System.Globalization;
using VpcSecTools.Aws;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>
/// The one operation the cmdlet and the CLI call: a window of flow logs (one <see cref="FlowLogRun"/>) and a snapshot in,
/// every private source at the snapshot's network interfaces attributed from the receiving VPC's point of view and
/// placed in a trust zone, and the findings out: another account's or on-premises space reaching a sensitive port or a
/// data store, sources in the VPC's own CIDR that no ENI holds, traffic the reachability model disagrees with, and
/// conversations a baseline did not have. The records are summed per (source, interface, protocol, action, port) as they
/// are read; attribution and the model then work per group, and each distinct question is asked once.
/// </summary>
public static class PrivateTrustAnalysis
{
    /// <summary>
    /// Reads the window's flow logs (and the baseline's, or its file), analyses them, and reports through
    /// <paramref name="events"/> what the reads met. Paths or log groups are read as given; without them, the flow logs the
    /// snapshot names by id, else those of <see cref="PrivateTrustOptions.VpcIds"/>, where they deliver.
    /// </summary>
    public static PrivateTrustReport Run(SnapshotIndex index, PrivateTrustRequest request, Func<AwsConnection> connect, FlowLogRunEvents events,
        CancellationToken cancel = default)
    {
        var options = request.Options;
        foreach (var vpc in options.VpcIds)
            if (!index.Vpcs.ContainsKey(vpc)) throw new VpcNotInSnapshotException(vpc);
        bool partial = false;
        if (request.BaselineFile is { } file)
        {
            if (request.BaselinePaths.Count > 0 || request.BaselineSince is not null || request.BaselineUntil is not null)
                throw new ArgumentException("give a baseline file or a baseline window of flow logs, not both");
            options = options with { Baseline = TrustBaseline.Load(file) };
        }
        else if (request.BaselinePaths.Count > 0 || request.BaselineSince is not null || request.BaselineUntil is not null)
        {
            // Baseline paths, or else the window's own inputs over the baseline window.
            var (paths, groups) = request.BaselinePaths.Count > 0 ? (request.BaselinePaths, []) : (request.Paths, request.LogGroups);
            using var baselineRun = Open(index, request, paths, groups, request.BaselineSince, request.BaselineUntil, connect, events, cancel);
            var (baseline, read) = Baseline(baselineRun, index, options, cancel);
            baselineRun.Finish(read);
            partial |= baselineRun.Incomplete;
            options = options with { Baseline = baseline };
        }
        using var run = Open(index, request, request.Paths, request.LogGroups, request.Since, request.Until, connect, events, cancel);
        var flows = Observe(run, index, options, cancel);
        run.Finish(flows.Report);
        return Analyze(index, flows, options) with { PartialRead = partial || run.Incomplete };
    }

    private static FlowLogRun Open(SnapshotIndex index, PrivateTrustRequest request, IReadOnlyList<string> paths, IReadOnlyList<string> logGroups,
        DateTimeOffset? since, DateTimeOffset? until, Func<AwsConnection> connect, FlowLogRunEvents events, CancellationToken cancel)
    {
        bool discover = paths.Count == 0 && logGroups.Count == 0;
        var query = new FlowLogQuery
        {
            // A VPC id reads that VPC's own flow logs when nothing else is given; with paths it is no filter (the interfaces' VPCs are).
            Filter = new FlowFilter { Since = since, Until = until, VpcId = discover && request.FlowLogIds.Count == 0 ? request.Options.VpcIds : [] },
        };
        if (discover && request.FlowLogIds.Count == 0 && request.Options.VpcIds.Count == 0)
            throw new ArgumentException("nothing to read: give flow-log paths or log groups, flow-log ids, or the VPC ids whose own flow logs to read");
        return FlowLogRun.Open(new FlowLogRunRequest
        {
            Paths = paths, LogGroups = logGroups, Index = index, FlowLogIds = request.FlowLogIds, Format = request.Format,
            Threads = request.Threads, Progress = request.Progress,
        }, query, connect, events, cancel);
    }

    /// <summary>The conversations of another window's flow logs, as a baseline for <see cref="PrivateTrustOptions.Baseline"/>.</summary>
    internal static (TrustBaseline Baseline, FlowLogReadReport Read) Baseline(FlowLogRun run, SnapshotIndex index, PrivateTrustOptions options,
        CancellationToken cancel = default)
    {
        var flows = Observe(run, index, options, cancel);
        var talkers = flows.Groups.GroupBy(g => (g.Source, g.NetworkInterfaceId)).Select(t => new TrustTalker
        {
            SourceAddress = t.Key.Source.ToString(), NetworkInterfaceId = t.Key.NetworkInterfaceId,
            VpcId = index.NetworkInterfaces.GetValueOrDefault(t.Key.NetworkInterfaceId)?.VpcId,
            Records = t.Sum(g => g.Records), FirstSeen = t.Min(g => g.FirstSeen), LastSeen = t.Max(g => g.LastSeen),
        }).ToArray();
        var where = run.Inputs.Count == 1 ? run.Inputs[0].Name : $"{run.Inputs.Count} flow-log inputs";
        return (new TrustBaseline { Talkers = talkers, FirstSeen = flows.FirstSeen, LastSeen = flows.LastSeen, Source = where }, flows.Report);
    }

    internal static PrivateFlows Observe(FlowLogRun run, SnapshotIndex index, PrivateTrustOptions options, CancellationToken cancel) =>
        PrivateFlows.Observe(run.Reader, run.Inputs, index, options.SensitivePorts, options.VpcIds, run.Query.Filter, cancel);

    internal static PrivateTrustReport Analyze(SnapshotIndex index, PrivateFlows flows, PrivateTrustOptions options) =>
        new Analysis(index, flows, options).Report();

    /// <summary>One analysis: the facts it computes once (who each source is, each interface's owner) and what it finds.</summary>
    private sealed class Analysis
    {
        private readonly SnapshotIndex _index;
        private readonly PrivateFlows _flows;
        private readonly PrivateTrustOptions _options;
        private readonly HashSet<int> _sensitive;
        private readonly FlowAttribution _attribution;
        private readonly ModelReadings _model;
        private readonly Dictionary<(string Vpc, IpAddress Source), SourceFacts> _sources = [];
        private readonly Dictionary<string, Receiver> _receivers = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Check, string Resource, string Source, string? Protocol, string? Ports), Draft> _drafts = [];
        private readonly Dictionary<string, (int Groups, long Records, string Example)> _notJudged = new(StringComparer.Ordinal);

        public Analysis(SnapshotIndex index, PrivateFlows flows, PrivateTrustOptions options)
        {
            _index = index;
            _flows = flows;
            _options = options;
            _sensitive = options.SensitivePorts.ToHashSet();
            _attribution = new FlowAttribution(index);
            _model = new ModelReadings(index);
        }

        public PrivateTrustReport Report()
        {
            foreach (var g in _flows.Groups)
            {
                var receiver = ReceiverOf(g.NetworkInterfaceId);
                var source = SourceOf(receiver, g);
                source.Add(g);
                SensitiveFromOutside(receiver, source, g);
                CompareWithModel(receiver, source, g);
            }
            foreach (var source in _sources.Values.Where(s => s.Attribution.Scope == AttributionScope.UnassignedInVpc)) UnownedSource(source);
            var talkers = Talkers();
            if (_options.Baseline is { } baseline) NewTalkers(talkers, baseline);

            var findings = _drafts.Values.Select(d => d.ToFinding())
                .OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal)
                .ThenBy(f => f.ResourceId, StringComparer.Ordinal).ThenBy(f => f.Source, StringComparer.Ordinal).ToArray();
            var sources = _sources.Values.OrderBy(s => s.Vpc, StringComparer.Ordinal).ThenBy(s => s.Zone.Zone).ThenByDescending(s => s.Records)
                .ThenBy(s => s.Address).Select(s => s.ToSource()).ToArray();
            var findingsByZone = _drafts.Values.GroupBy(d => (d.Vpc, d.Zone)).ToDictionary(g => g.Key, g => g.Count());
            var zones = sources.GroupBy(s => (s.VpcId, s.Zone)).OrderBy(z => z.Key.VpcId, StringComparer.Ordinal).ThenBy(z => z.Key.Zone)
                .Select(z => new TrustZoneSummary
                {
                    VpcId = z.Key.VpcId, Zone = z.Key.Zone, Sources = z.ToArray(),
                    NetworkInterfaceCount = z.SelectMany(s => s.NetworkInterfaceIds).Distinct().Count(),
                    Records = z.Sum(s => s.Records), AcceptedRecords = z.Sum(s => s.AcceptedRecords), RejectedRecords = z.Sum(s => s.RejectedRecords),
                    Bytes = z.Aggregate(0L, (sum, s) => FlowText.Add(sum, s.Bytes)),
                    FirstSeen = z.Min(s => s.FirstSeen), LastSeen = z.Max(s => s.LastSeen),
                    FindingCount = findingsByZone.GetValueOrDefault((z.Key.VpcId, z.Key.Zone)),
                }).ToArray();
            return new PrivateTrustReport
            {
                Findings = findings, Zones = zones, Sources = sources, Talkers = talkers,
                FirstSeen = _flows.FirstSeen, LastSeen = _flows.LastSeen, Warnings = Warnings(), Notes = Notes(sources),
            };
        }

        // ---- who is who ----

        private Receiver ReceiverOf(string eniId)
        {
            if (_receivers.TryGetValue(eniId, out var known)) return known;
            var eni = _index.NetworkInterfaces[eniId];
            var owner = EniOwnerRules.Detect(eni, _index);
            var vpc = eni.VpcId is { } v ? _index.Vpcs.GetValueOrDefault(v) : null;
            var receiver = new Receiver(eni, owner, eni.TagSet.NameTag() ?? owner.Name ?? owner.ResourceId, _options.DataStoreEvidence(eni, owner, _index),
                eni.OwnerId ?? vpc?.OwnerId, _index.RegionOf(eniId)?.Region);
            _receivers[eniId] = receiver;
            return receiver;
        }

        private SourceFacts SourceOf(Receiver receiver, PrivateFlowGroup g)
        {
            var vpc = receiver.Eni.VpcId ?? "";
            if (_sources.TryGetValue((vpc, g.Source), out var known)) return known;
            var attribution = _attribution.Of(g.Source.ToString(), g.NetworkInterfaceId)!;
            var facts = new SourceFacts(vpc, g.Source, attribution, TrustZones.Of(attribution, _index), EnteredThrough(attribution));
            _sources[(vpc, g.Source)] = facts;
            return facts;
        }

        /// <summary>The way in: the peering, transit-gateway attachment or gateway the receiving VPC's routes name (the routes are in the attribution).</summary>
        private static string? EnteredThrough(AddressAttribution a) => a.Scope switch
        {
            AttributionScope.ThisVpc or AttributionScope.ReservedAddress or AttributionScope.UnassignedInVpc => "local",
            AttributionScope.PeeredVpc => a.VpcPeeringConnectionId,
            AttributionScope.TransitGateway => $"{a.TransitGatewayAttachmentId} ({a.TransitGatewayAttachmentType} {a.TransitGatewayAttachmentResourceId}) of {a.TransitGatewayId}",
            AttributionScope.Vpn => $"{a.VpnGatewayId}{(a.VpnConnectionIds.Count > 0 ? $" ({string.Join(", ", a.VpnConnectionIds)})" : "")}",
            _ => null,
        };

        /// <summary>
        /// The way in as one interface sees it: what the source comes through, and the route of the interface's own subnet
        /// that sends its replies back there (the route that makes the conversation possible).
        /// </summary>
        private string? EnteredThrough(Receiver receiver, SourceFacts source)
        {
            if (receiver.Eni.SubnetId is not { } subnet || _index.RouteTableOf(subnet).Table is not { } table) return source.EnteredThrough;
            var route = _index.RouteLookupOf(table).Find(source.Address).Route;
            return route is null ? source.EnteredThrough : $"{source.EnteredThrough} ({route.Evidence})";
        }

        // ---- the checks ----

        /// <summary>Another account's or on-premises space, ACCEPTed at a sensitive port or a data store (not replies to our own connections).</summary>
        private void SensitiveFromOutside(Receiver receiver, SourceFacts source, PrivateFlowGroup g)
        {
            if (!g.Accepted || g.Opener == ConnectionOpener.Destination) return;
            if (source.Zone.Zone is not (TrustZone.OtherAccount or TrustZone.OnPremises or TrustZone.Unknown)) return;
            bool hasPorts = new IpProtocol(g.Protocol).HasPorts;
            bool sensitivePort = hasPorts && g.PortIsDestination && _sensitive.Contains(g.Port);
            if (!sensitivePort && receiver.DataStore is null) return;
            var ports = PortsAtInterface(g);
            var what = new List<string>();
            if (sensitivePort) what.Add($"port {g.Port} is on the sensitive list");
            if (receiver.DataStore is { } ds) what.Add($"{receiver.Eni.NetworkInterfaceId} is a data store: {ds}");
            // The rule that admitted it at the interface; the model's reading says whether group references can match it.
            var reading = g.DestinationPort is { } dp ? _model.Of(g.Source, receiver.Eni, g.Destination, g.Protocol, dp, ConnectionOpener.Source) : null;
            var admission = AdmissionOf(receiver, g, reading);
            var opened = g.Opener == ConnectionOpener.Source ? "The source opened the connection (SYN)."
                : "The records do not say which side opened the connection.";
            var rule = admission.ToString();
            var why = $"{ZoneText(source.Zone)}. Reached: {string.Join("; ", what)}. " +
                (admission.Allowed ? $"Admitted by {rule}." : $"No rule of the snapshot admits it ({rule}): the network changed since the snapshot, or the model misses something.") +
                $" {opened}";
            Draft(TrustChecks.SensitiveFromOutside, receiver, source, g, ProtocolText(g.Protocol), ports, why, "Ingress",
                missing: source.Zone.Zone == TrustZone.Unknown ? $"whose space the source is in: {source.Zone.Reason}" : null,
                rule: admission.Allowed ? rule : null, ruleIndex: admission.Allowed ? admission.SecurityGroup.PermissionIndex : null);
        }

        /// <summary>A source in the VPC's own CIDR that no ENI of the snapshot holds: one finding per VPC and source.</summary>
        private void UnownedSource(SourceFacts source)
        {
            var vpc = _index.Vpcs.GetValueOrDefault(source.Vpc);
            var enis = source.Interfaces.ToArray();
            bool accepted = source.Accepted > 0;
            var ports = string.Join(", ", source.Ports.Concat(source.SourcePorts.Select(p => p + " (its port)")));
            var sender = _flows.UnknownSenders.TryGetValue(source.Address, out var unknownEni)
                ? $" The same logs show {unknownEni}, an interface the snapshot does not hold, sending from it: an ENI made after the capture."
                : " No interface in the logs sent from it (its own records would name it if it were an ENI of a VPC-wide flow log).";
            var why = $"{source.Address} is {source.Attribution.Reason ?? $"inside {source.Vpc}'s CIDRs"} and reached {string.Join(", ", enis)} ({ports}).{sender}";
            var check = TrustChecks.UnownedSourceInVpc;
            var draft = new Draft(check, Checks.VpcType, source.Vpc, vpc?.Tags.NameTag(), source.Vpc, source.Zone.Zone,
                vpc?.OwnerId, _index.RegionOf(source.Vpc)?.Region, source.Address.ToString(), null, ports)
            {
                Severity = accepted ? check.BaseSeverity : Severity.Medium,
                Why = why + (accepted ? "" : " Every record was REJECTed."),
                SourceText = $"{source.Address} ({source.Attribution})",
            };
            foreach (var g in source.Groups) draft.Add(g, g.Destination);
            draft.NetworkInterfaceText = string.Join(", ", enis);
            _drafts[(check.Id, source.Vpc, source.Address.ToString(), null, ports)] = draft;
        }

        /// <summary>
        /// Traffic the model disagrees with: ACCEPTed though every reading of it is NotReachable, or REJECTed though one is
        /// Reachable. Who opened the connection decides the reading; when the records do not say, each record has two
        /// readings (the source opening to the interface's port, or the interface opening to the source's) and disagrees
        /// only when both do.
        /// </summary>
        private void CompareWithModel(Receiver receiver, SourceFacts source, PrivateFlowGroup g)
        {
            // Sources no ENI holds inside the VPC are Trust.UnownedSourceInVpc; the model cannot place them.
            if (source.Attribution.Scope == AttributionScope.UnassignedInVpc) return;
            if (SecurityGroupEvaluator.IsUnfiltered(receiver.Eni))
            {
                NotJudged($"records at {receiver.Eni.InterfaceType} interfaces are traffic passing through them, not traffic to them", g);
                return;
            }
            var protocol = new IpProtocol(g.Protocol);
            if (protocol.IsIcmp)
            {
                NotJudged("ICMP records carry no type and code to ask the model about", g);
                return;
            }
            bool keyedOnDestination = g.PortIsDestination;
            var keyOpener = keyedOnDestination ? ConnectionOpener.Source : ConnectionOpener.Destination;
            var key = _model.Of(g.Source, receiver.Eni, g.Destination, g.Protocol, g.Port, keyOpener);
            var expected = g.Accepted ? Verdict.NotReachable : Verdict.Reachable;
            if (g.Opener != ConnectionOpener.Unknown)
            {
                if (key.Verdict == Verdict.Unknown) NotJudged(key.Explain(), g);
                else if (key.Verdict == expected) Disagrees(receiver, source, g, key, [], []);
                return;
            }
            // Unknown opener: the key reading first; the other side's readings only if it disagrees.
            if (key.Verdict != expected)
            {
                if (key.Verdict == Verdict.Unknown) NotJudged(key.Explain(), g);
                return;
            }
            var otherOpener = keyOpener == ConnectionOpener.Source ? ConnectionOpener.Destination : ConnectionOpener.Source;
            IReadOnlyList<int> others = protocol.HasPorts ? g.OtherPorts : [0];
            var readings = others.Select(p => _model.Of(g.Source, receiver.Eni, g.Destination, g.Protocol, p, otherOpener)).ToArray();
            var witnesses = readings.Where(r => r.Verdict == expected).ToArray();
            if (witnesses.Length > 0) Disagrees(receiver, source, g, key, witnesses, readings);
            else if (readings.FirstOrDefault(r => r.Verdict == Verdict.Unknown) is { } unknown) NotJudged(unknown.Explain(), g);
        }

        private void Disagrees(Receiver receiver, SourceFacts source, PrivateFlowGroup g, ModelReading key, IReadOnlyList<ModelReading> witnesses,
            IReadOnlyList<ModelReading> others)
        {
            var check = g.Accepted ? TrustChecks.AcceptedButNotReachable : TrustChecks.RejectedButReachable;
            var e = receiver.Eni.NetworkInterfaceId;
            string Reading(ModelReading r)
            {
                var traffic = ProtocolText(g.Protocol) + (r.Port is { } port ? "/" + port.ToString(CultureInfo.InvariantCulture) : "");
                return r.Opener == ConnectionOpener.Source ? $"{g.Source} opening {traffic} to {e}" : $"{e} opening {traffic} to {g.Source}";
            }
            string verdict = g.Accepted ? "ACCEPTed" : "REJECTed";
            string why;
            // The key reading names the port and the rule; with witnesses, the detail gives every reading.
            var deciding = key;
            if (witnesses.Count == 0)
            {
                why = $"The records are {verdict}; the model says {Reading(key)} is {key.Verdict}: {key.Explain()}." +
                    (g.Opener == ConnectionOpener.Source ? " The source opened it (SYN)." : g.Opener == ConnectionOpener.Destination ? $" {e} opened it (SYN-ACK from the source)." : "");
            }
            else
            {
                var more = g.MoreOtherPorts ? $" ({others.Count} of the other side's ports sampled)" : "";
                why = $"The records are {verdict} and do not say which side opened the connection. Both readings get {key.Verdict} from the model: " +
                    $"{Reading(key)}: {key.Explain()}; and {string.Join("; ", witnesses.Select(w => $"{Reading(w)}: {w.Explain()}"))}{more}.";
            }
            if (g.Accepted && deciding.Result?.BlockingDirection == PathDirection.Return)
                why += " The block is on the response path: the requests are admitted but their responses cannot return.";
            var ports = deciding.Port?.ToString(CultureInfo.InvariantCulture);
            // What decided: the component that blocks, or (a REJECT the model allows) the rule that should have admitted it.
            var rule = deciding.Result is { BlockingComponent: { Length: > 0 } component } r
                ? $"{component}{(r.BlockingRule is null ? "" : $" [{r.BlockingRule}]")}"
                : deciding.Opener == ConnectionOpener.Source ? AdmissionOf(receiver, g, deciding).ToString() : null;
            Draft(check, receiver, source, g, ProtocolText(g.Protocol), ports, why, deciding.Opener == ConnectionOpener.Source ? "Ingress" : "Egress",
                missing: null, rule: rule, ruleIndex: deciding.Result?.BlockingRuleNumber);
        }

        private void NotJudged(string reason, PrivateFlowGroup g)
        {
            var (groups, records, _) = _notJudged.GetValueOrDefault(reason, (0, 0, ""));
            _notJudged[reason] = (groups + 1, records + g.Records, $"{g.Source} -> {g.NetworkInterfaceId} {ProtocolText(g.Protocol)}/{g.Port}");
        }

        /// <summary>The conversations: each private source with each network interface it sent to.</summary>
        private TrustTalker[] Talkers() => _flows.Groups.GroupBy(g => (g.Source, g.NetworkInterfaceId)).Select(t =>
        {
            var vpc = _index.NetworkInterfaces[t.Key.NetworkInterfaceId].VpcId ?? "";
            return new TrustTalker
            {
                SourceAddress = t.Key.Source.ToString(), NetworkInterfaceId = t.Key.NetworkInterfaceId, VpcId = vpc,
                Zone = _sources[(vpc, t.Key.Source)].Zone.Zone, Records = t.Sum(g => g.Records),
                FirstSeen = t.Min(g => g.FirstSeen), LastSeen = t.Max(g => g.LastSeen),
            };
        }).OrderBy(t => t.NetworkInterfaceId, StringComparer.Ordinal).ThenBy(t => IpAddress.Parse(t.SourceAddress)).ToArray();

        private void NewTalkers(IReadOnlyList<TrustTalker> talkers, TrustBaseline baseline)
        {
            var known = baseline.Pairs();
            var window = $"{baseline.Source} ({Time(baseline.FirstSeen)}..{Time(baseline.LastSeen)}, {baseline.Talkers.Count} conversations)";
            foreach (var t in talkers)
            {
                var ip = IpAddress.Parse(t.SourceAddress);
                if (known.Contains((ip, t.NetworkInterfaceId))) continue;
                var receiver = ReceiverOf(t.NetworkInterfaceId);
                var source = _sources[(t.VpcId ?? "", ip)];
                var groups = source.Groups.Where(g => g.NetworkInterfaceId == t.NetworkInterfaceId).ToArray();
                // The conversations' service ports: the interface's when the source connected to it, the source's when the interface did.
                var ports = string.Join(", ", groups.Where(g => new IpProtocol(g.Protocol).HasPorts).Select(g => g.Port).Distinct().Order());
                var protocols = groups.Select(g => ProtocolText(g.Protocol)).Distinct().ToArray();
                bool toInterface = groups.All(g => g.PortIsDestination), fromInterface = groups.All(g => !g.PortIsDestination);
                var check = TrustChecks.NewTalker;
                var why = $"{ZoneText(source.Zone)}. It sent to {t.NetworkInterfaceId} in this window and not in the baseline {window}." +
                    (fromInterface ? $" Its records answer connections {t.NetworkInterfaceId} opened to it (the ports are its own)." : "");
                var draft = NewDraft(check, receiver, source, protocols.Length == 1 ? protocols[0] : null, ports.Length == 0 ? null : ports);
                draft.Severity = source.Zone.Zone == TrustZone.OwnAccount ? Severity.Low : check.BaseSeverity;
                draft.Why = why;
                draft.Direction = toInterface ? "Ingress" : fromInterface ? "Egress" : null;
                foreach (var g in groups) draft.Add(g, g.Destination);
                _drafts[(check.Id, t.NetworkInterfaceId, t.SourceAddress, draft.Protocol, draft.Ports)] = draft;
            }
        }

        // ---- findings ----

        private void Draft(CheckDefinition check, Receiver receiver, SourceFacts source, PrivateFlowGroup g, string protocol, string? ports, string why,
            string direction, string? missing, string? rule, int? ruleIndex)
        {
            var key = (check.Id, receiver.Eni.NetworkInterfaceId, source.Address.ToString(), (string?)protocol, ports);
            if (!_drafts.TryGetValue(key, out var draft))
            {
                _drafts[key] = draft = NewDraft(check, receiver, source, protocol, ports);
                (draft.Why, draft.Direction, draft.MissingData, draft.Rule, draft.RuleIndex) = (why, direction, missing, rule, ruleIndex);
            }
            draft.Add(g, g.Destination);
        }

        private Draft NewDraft(CheckDefinition check, Receiver receiver, SourceFacts source, string? protocol, string? ports) =>
            new(check, Checks.NetworkInterfaceType, receiver.Eni.NetworkInterfaceId, receiver.Label, receiver.Eni.VpcId, source.Zone.Zone,
                receiver.AccountId, receiver.Region, source.Address.ToString(), protocol, ports)
            {
                SourceText = $"{source.Address} ({source.Attribution})",
                NetworkInterfaceText = receiver.Eni.NetworkInterfaceId,
                EnteredThrough = EnteredThrough(receiver, source),
                SourceOwner = source.Attribution.ToString(),
            };

        /// <summary>
        /// The security-group permission and NACL entry that admit the source's packets at the interface, to the port they
        /// reached. Group references match the source's ENI only where the model's path says its identity is preserved.
        /// </summary>
        private Admission AdmissionOf(Receiver receiver, PrivateFlowGroup g, ModelReading? reading)
        {
            var protocol = new IpProtocol(g.Protocol);
            int? port = protocol.HasPorts ? g.DestinationPort ?? g.OtherPorts.FirstOrDefault() : null;
            var holders = _index.EnisAt(g.Source);
            bool preserved = reading?.Result?.ReferencesPreserved == true && holders.Count == 1;
            var peer = new SecurityGroupPeer(g.Source, preserved ? holders[0] : null, preserved);
            return Admission.Of(_index, receiver.Eni, ingress: true, peer, Traffic.Of(protocol, port));
        }

        private List<string> Warnings()
        {
            var warnings = new List<string>();
            foreach (var (reason, (groups, records, example)) in _notJudged.OrderByDescending(n => n.Value.Records).Take(10))
                warnings.Add($"{groups} group(s) of private-source records ({records} records, e.g. {example}) were not compared with the model: {reason}");
            if (_notJudged.Count > 10) warnings.Add($"{_notJudged.Count - 10} more reasons why traffic was not compared with the model");
            if (_flows.UnknownInterfaceRecords > 0)
                warnings.Add($"{_flows.UnknownInterfaceRecords} record(s) of {_flows.UnknownInterfaces.Count} network interface(s) the snapshot does not hold " +
                    $"({string.Join(", ", _flows.UnknownInterfaces.Take(5))}{(_flows.UnknownInterfaces.Count > 5 ? ", ..." : "")}) were not judged: capture the network again");
            if (_flows.SkipDataRecords > 0)
                warnings.Add($"{_flows.SkipDataRecords} SKIPDATA record(s): AWS could not capture every record in those windows, so some traffic is missing from the answer");
            return warnings;
        }

        private List<string> Notes(IReadOnlyList<PrivateSource> sources)
        {
            var notes = new List<string>
            {
                $"{_flows.Groups.Count} group(s) of private-source records from {sources.Count} source(s) at {_receivers.Count} network interface(s); " +
                $"{_flows.PublicSourceRecords} record(s) from internet addresses and {_flows.NotAddressedRecords} record(s) not addressed to the interface " +
                "that logged them (traffic through it, or its own sends) are not part of the answer",
            };
            if (_options.Baseline is { } b) notes.Add($"baseline {b.Source}: {b.Talkers.Count} conversation(s), {Time(b.FirstSeen)}..{Time(b.LastSeen)}");
            return notes;
        }

        // ---- text ----

        private static string PortsAtInterface(PrivateFlowGroup g)
        {
            if (!new IpProtocol(g.Protocol).HasPorts) return "";
            if (g.PortIsDestination) return g.Port.ToString(CultureInfo.InvariantCulture);
            return string.Join(", ", g.OtherPorts) + (g.MoreOtherPorts ? ", ..." : "");
        }

        private static string ProtocolText(int protocol) => new IpProtocol(protocol).ToString();

        private static string ZoneText(ZoneOf zone) => zone.Zone switch
        {
            TrustZone.OwnAccount => $"Own account: {zone.Reason}",
            TrustZone.OtherAccount => $"Another account: {zone.Reason}",
            TrustZone.OnPremises => $"On premises: {zone.Reason}",
            TrustZone.NoOwner => $"No owner: {zone.Reason}",
            _ => $"Whose space it is cannot be told: {zone.Reason}",
        };

        internal static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "?";
    }

    /// <summary>A network interface that received private traffic: its owner, name, data-store evidence, account and region.</summary>
    private sealed record Receiver(NetworkInterface Eni, EniOwner Owner, string? Name, string? DataStore, string? AccountId, string? Region)
    {
        public string Label => $"{Name ?? Eni.NetworkInterfaceId} ({Owner.Type})";
    }

    /// <summary>One source as one receiving VPC sees it, and its traffic there.</summary>
    private sealed class SourceFacts(string vpc, IpAddress address, AddressAttribution attribution, ZoneOf zone, string? enteredThrough)
    {
        public string Vpc { get; } = vpc;
        public IpAddress Address { get; } = address;
        public AddressAttribution Attribution { get; } = attribution;
        public ZoneOf Zone { get; } = zone;
        public string? EnteredThrough { get; } = enteredThrough;
        public List<PrivateFlowGroup> Groups { get; } = [];
        public SortedSet<string> Interfaces { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> Ports { get; } = new(StringComparer.Ordinal);
        public SortedSet<string> SourcePorts { get; } = new(StringComparer.Ordinal);
        public long Records, Accepted, Rejected, Bytes;
        public DateTimeOffset? First, Last;

        public void Add(PrivateFlowGroup g)
        {
            Groups.Add(g);
            Interfaces.Add(g.NetworkInterfaceId);
            var protocol = new IpProtocol(g.Protocol);
            var text = protocol.HasPorts ? $"{protocol}/{g.Port}" : protocol.ToString();
            if (g.PortIsDestination || !protocol.HasPorts) Ports.Add(text);
            else SourcePorts.Add(text);
            Records += g.Records;
            if (g.Accepted) Accepted += g.Records;
            else Rejected += g.Records;
            Bytes = FlowText.Add(Bytes, g.Bytes);
            if (g.FirstSeen is { } f && (First is null || f < First)) First = f;
            if (g.LastSeen is { } l && (Last is null || l > Last)) Last = l;
        }

        public PrivateSource ToSource() => new()
        {
            VpcId = Vpc, SourceAddress = Address.ToString(), Zone = Zone.Zone,
            Name = Attribution.Owner is { } o ? o.OwnerName ?? o.OwnerResourceId ?? o.NetworkInterfaceId : Address.ToString(), AccountId = Zone.AccountId, Owner = Attribution.ToString(),
            EnteredThrough = EnteredThrough, ZoneReason = Zone.Reason, NetworkInterfaceIds = [.. Interfaces], Ports = [.. Ports],
            SourcePorts = [.. SourcePorts], Records = Records, AcceptedRecords = Accepted, RejectedRecords = Rejected, Bytes = Bytes,
            FirstSeen = First, LastSeen = Last, Attribution = Attribution,
        };
    }

    /// <summary>A finding being gathered: its place and reason, and the evidence of every group that gives it.</summary>
    private sealed class Draft(CheckDefinition check, string resourceType, string resourceId, string? resourceName, string? vpc, TrustZone zone,
        string? accountId, string? region, string sourceAddress, string? protocol, string? ports)
    {
        public CheckDefinition Check { get; } = check;
        public string? Vpc { get; } = vpc;
        public TrustZone Zone { get; } = zone;
        public string? Protocol { get; } = protocol;
        public string? Ports { get; } = ports;
        public Severity? Severity { get; set; }
        public string Why { get; set; } = "";
        public string? Direction { get; set; }
        public string? MissingData { get; set; }
        public string? Rule { get; set; }
        public int? RuleIndex { get; set; }
        public string SourceText { get; set; } = "";
        public string? SourceOwner { get; set; }
        public string? EnteredThrough { get; set; }
        public string NetworkInterfaceText { get; set; } = "";

        private readonly SortedSet<string> _destinations = new(StringComparer.Ordinal);
        private long _records, _packets, _bytes;
        private bool _accepted, _rejected;
        private DateTimeOffset? _first, _last;

        public void Add(PrivateFlowGroup g, IpAddress destination)
        {
            _destinations.Add(destination.ToString());
            _records = FlowText.Add(_records, g.Records);
            _packets = FlowText.Add(_packets, g.Packets);
            _bytes = FlowText.Add(_bytes, g.Bytes);
            _accepted |= g.Accepted;
            _rejected |= !g.Accepted;
            if (g.FirstSeen is { } f && (_first is null || f < _first)) _first = f;
            if (g.LastSeen is { } l && (_last is null || l > _last)) _last = l;
        }

        public Finding ToFinding()
        {
            var action = _accepted && _rejected ? "ACCEPT, REJECT" : _accepted ? "ACCEPT" : "REJECT";
            var seen = string.Create(CultureInfo.InvariantCulture,
                $"{action}: {_records} record(s), {SaturatingSum.Text(_bytes)} bytes, {Analysis.Time(_first)}..{Analysis.Time(_last)}, from {SourceText} to {NetworkInterfaceText}" +
                $"{(Ports is { Length: > 0 } p ? $" {Protocol ?? ""}{(Protocol is null ? "" : "/")}{p}" : Protocol is null ? "" : " " + Protocol)}.");
            var severity = Severity ?? Check.BaseSeverity;
            return new Finding
            {
                CheckId = Check.Id, Severity = severity, BaseSeverity = Check.BaseSeverity, Title = Check.Title,
                ResourceType = resourceType, ResourceId = resourceId, ResourceName = resourceName, VpcId = Vpc, AccountId = accountId, Region = region,
                Direction = Direction, Rule = Rule, RuleIndex = RuleIndex, Protocol = Protocol, Ports = Ports, Source = SourceText,
                Detail = $"{seen} {Why}", Remediation = Check.Remediation, References = Check.References.ToValueList(), MissingData = MissingData,
                Traffic = new FlowEvidence
                {
                    SourceAddress = sourceAddress, SourceOwner = SourceOwner, DestinationAddress = string.Join(", ", _destinations),
                    NetworkInterfaceId = NetworkInterfaceText, EnteredThrough = EnteredThrough, Action = action,
                    Records = _records, Packets = _packets, Bytes = _bytes, FirstSeen = _first, LastSeen = _last,
                },
            };
        }
    }
}
