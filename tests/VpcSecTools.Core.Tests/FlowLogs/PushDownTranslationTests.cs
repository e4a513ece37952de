using System.Text.RegularExpressions;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.CloudWatch;
using VpcSecTools.FlowLogs.PushDown;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>The Athena SQL, Athena DDL and Logs Insights text a flow-log query translates to, checked as text.</summary>
public class PushDownTranslationTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);

    private static AthenaFlowLogTable Table(bool hive = false, bool perHour = false, AthenaStorage storage = AthenaStorage.Text, FlowLogFormat? format = null) => new()
    {
        Database = "flowlogs", Table = "vpc_flow_logs", Location = "s3://flow-logs-123456789010/central/",
        Accounts = ["123456789010"], Regions = ["us-east-1", "eu-west-1"], Hive = hive, PerHour = perHour, Storage = storage,
        Format = format ?? FlowLogFormat.Default, FirstDay = new DateOnly(2025, 1, 1),
    };

    private static readonly FlowLogQuery TopRejectedSources = new()
    {
        Filter = new FlowFilter { Action = ["REJECT"], Since = Since, Until = Until },
        GroupBy = ["SourceAddress"], Top = 10, By = FlowMetric.Count,
    };

    private static readonly FlowLogQuery WhoTalkedToTheDb = new()
    {
        Filter = new FlowFilter
        {
            Address = [Cidr.Parse("10.0.2.15/32")], Port = [new PortRange(5432, 5432)],
            Since = new DateTimeOffset(2026, 11, 21, 9, 10, 0, TimeSpan.Zero), Until = new DateTimeOffset(2026, 11, 21, 11, 0, 0, TimeSpan.Zero),
        },
        GroupBy = ["srcaddr", "dstaddr"], Top = 5,
    };

    [Fact]
    public void Athena_top_rejected_sources_in_a_day_prunes_two_day_partitions_and_ranks_by_count()
    {
        Assert.Equal("""
            SELECT srcaddr, count(*) AS flows, sum(packets) AS total_packets, sum(bytes) AS total_bytes, min(start) AS first_seen, max("end") AS last_seen
            FROM "flowlogs"."vpc_flow_logs"
            WHERE day BETWEEN '2026/11/20' AND '2026/11/21'
              AND "end" >= 1795154400
              AND start < 1795240800
              AND action = 'REJECT'
            GROUP BY srcaddr
            ORDER BY flows DESC
            LIMIT 10
            """, AthenaSql.Translate(TopRejectedSources, Table()));
    }

    [Fact]
    public void Athena_either_side_address_and_port_in_a_Hive_hourly_table_prunes_to_the_hours_of_the_window()
    {
        // 09:10-11:00 plus the 30-minute delivery margin touches hours 09, 10 and 11 of one day.
        Assert.Equal("""
            SELECT srcaddr, dstaddr, count(*) AS flows, sum(packets) AS total_packets, sum(bytes) AS total_bytes, min(start) AS first_seen, max("end") AS last_seen
            FROM "flowlogs"."vpc_flow_logs"
            WHERE day = 'year=2026/month=11/day=21'
              AND hour BETWEEN '09' AND '11'
              AND "end" >= 1795252200
              AND start < 1795258800
              AND (srcaddr = '10.0.2.15' OR dstaddr = '10.0.2.15')
              AND (srcport = 5432 OR dstport = 5432)
            GROUP BY srcaddr, dstaddr
            ORDER BY total_bytes DESC
            LIMIT 5
            """, AthenaSql.Translate(WhoTalkedToTheDb, Table(hive: true, perHour: true)));
    }

    [Fact]
    public void Athena_CIDRs_go_through_IPADDRESS_ports_and_protocols_become_lists_and_ranges_and_bins_group_by_start()
    {
        var query = new FlowLogQuery
        {
            Filter = new FlowFilter
            {
                SourceAddress = [Cidr.Parse("10.0.0.0/8"), Cidr.Parse("2001:db8::/32")],
                DestinationPort = [new PortRange(22, 22), new PortRange(3389, 3389), new PortRange(1024, 65535)],
                Protocol = [6, 17], LogStatus = ["OK"], InterfaceId = ["eni-0a1b2c3d", "eni-0e5f6a7b"],
            },
            GroupBy = ["dstport"], Bin = TimeSpan.FromMinutes(5), By = FlowMetric.Packets,
        };
        Assert.Equal("""
            SELECT dstport, (start - start % 300) AS bin_start, count(*) AS flows, sum(packets) AS total_packets, sum(bytes) AS total_bytes, min(start) AS first_seen, max("end") AS last_seen
            FROM "flowlogs"."vpc_flow_logs"
            WHERE (contains('10.0.0.0/8', TRY_CAST(srcaddr AS IPADDRESS)) OR contains('2001:db8::/32', TRY_CAST(srcaddr AS IPADDRESS)))
              AND (dstport IN (22, 3389) OR dstport BETWEEN 1024 AND 65535)
              AND protocol IN (6, 17)
              AND log_status = 'OK'
              AND interface_id IN ('eni-0a1b2c3d', 'eni-0e5f6a7b')
            GROUP BY dstport, (start - start % 300)
            ORDER BY total_packets DESC, bin_start
            """, AthenaSql.Translate(query, Table()));
    }

    [Fact]
    public void Athena_raw_records_select_every_column_with_the_limit_and_quote_text_values()
    {
        var query = new FlowLogQuery { Filter = new FlowFilter { VpcId = ["vpc-o'brien"], Since = Since }, Limit = 100 };
        var v3 = FlowLogFormat.Parse("${version} ${vpc-id} ${srcaddr} ${dstaddr} ${start} ${end} ${action}");
        Assert.Equal("""
            SELECT *
            FROM "flowlogs"."vpc_flow_logs"
            WHERE day >= '2026/11/20'
              AND "end" >= 1795154400
              AND vpc_id = 'vpc-o''brien'
            LIMIT 100
            """, AthenaSql.Translate(query, Table(format: v3)));
    }

    [Fact]
    public void A_filter_on_a_field_the_format_lacks_is_refused_naming_the_field()
    {
        var query = new FlowLogQuery { Filter = new FlowFilter { VpcId = ["vpc-0a1b2c3d"] } };
        var athena = Assert.Throws<ArgumentException>(() => AthenaSql.Translate(query, Table()));
        Assert.Contains("'vpc-id'", athena.Message);
        var insights = Assert.Throws<ArgumentException>(() => InsightsQuery.Translate(query, FlowLogFormat.Default));
        Assert.Contains("'vpc-id'", insights.Message);
        var noBytes = FlowLogFormat.Parse("srcaddr dstaddr packets start end");
        Assert.Contains("bytes", Assert.Throws<ArgumentException>(() => AthenaSql.Translate(TopRejectedSources with { Filter = new FlowFilter(), By = FlowMetric.Bytes }, Table(format: noBytes))).Message);
    }

    [Fact]
    public void Insights_default_format_uses_the_discovered_fields()
    {
        Assert.Equal("""
            filter endTime >= 1795154400 and startTime < 1795240800 and action = "REJECT"
            | stats count(*) as flows, sum(packets) as total_packets, sum(bytes) as total_bytes, min(startTime) as first_seen, max(endTime) as last_seen by srcAddr
            | sort flows desc
            | limit 10
            """, InsightsQuery.Translate(TopRejectedSources, FlowLogFormat.Default));
        Assert.Equal("""
            filter endTime >= 1795252200 and startTime < 1795258800 and (srcAddr = "10.0.2.15" or dstAddr = "10.0.2.15") and (srcPort = 5432 or dstPort = 5432)
            | stats count(*) as flows, sum(packets) as total_packets, sum(bytes) as total_bytes, min(startTime) as first_seen, max(endTime) as last_seen by srcAddr, dstAddr
            | sort total_bytes desc
            | limit 5
            """, InsightsQuery.Translate(WhoTalkedToTheDb, FlowLogFormat.Default));
    }

    [Fact]
    public void Insights_custom_format_parses_the_message_into_every_field_in_order()
    {
        var v5 = FlowLogFormat.Parse("${version} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${start} ${end} ${action} ${flow-direction} ${pkt-dst-aws-service}");
        var query = new FlowLogQuery
        {
            Filter = new FlowFilter
            {
                DestinationAddress = [Cidr.Parse("10.1.0.0/16"), Cidr.Parse("fd00::/8")], SourcePort = [new PortRange(1024, 65535)],
                FlowDirection = ["egress"], Action = ["ACCEPT", "REJECT"],
            },
            GroupBy = ["PacketDestinationAwsService"], Top = 3,
        };
        Assert.Equal("""
            parse @message "* * * * * * * * * * * * * *" as version, vpc_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, bytes, start, end, action, flow_direction, pkt_dst_aws_service
            | filter (isIpv4InSubnet(dstaddr, "10.1.0.0/16") or isIpv6InSubnet(dstaddr, "fd00::/8")) and (srcport >= 1024 and srcport <= 65535) and action in ["ACCEPT", "REJECT"] and flow_direction = "egress"
            | stats count(*) as flows, sum(bytes) as total_bytes, min(start) as first_seen, max(end) as last_seen by pkt_dst_aws_service
            | sort total_bytes desc
            | limit 3
            """, InsightsQuery.Translate(query, v5));
    }

    [Fact]
    public void Insights_raw_records_and_bins_and_the_ten_thousand_row_cap()
    {
        var raw = new FlowLogQuery { Filter = new FlowFilter { InterfaceId = ["eni-0a1b2c3d"] } };
        Assert.Equal("""
            fields @timestamp, @logStream, @message
            | filter interfaceId = "eni-0a1b2c3d"
            | sort @timestamp asc
            | limit 10000
            """, InsightsQuery.Translate(raw, FlowLogFormat.Default));
        Assert.True(InsightsQuery.MayExceedLimit(raw));
        Assert.False(InsightsQuery.MayExceedLimit(raw with { Limit = 500 }));

        var binned = new FlowLogQuery { GroupBy = ["action"], Bin = TimeSpan.FromHours(1), Top = 20_000 };
        Assert.EndsWith("by action, bin(3600s)\n| sort total_bytes desc\n| limit 10000", InsightsQuery.Translate(binned, FlowLogFormat.Default));
        Assert.True(InsightsQuery.MayExceedLimit(binned));
        Assert.Equal(10_000, InsightsQuery.RowLimit(binned));
    }

    [Fact]
    public void Text_table_DDL_for_the_default_layout()
    {
        Assert.Equal("""
            CREATE EXTERNAL TABLE IF NOT EXISTS `flowlogs`.`vpc_flow_logs` (
              `version` int,
              `account_id` string,
              `interface_id` string,
              `srcaddr` string,
              `dstaddr` string,
              `srcport` int,
              `dstport` int,
              `protocol` bigint,
              `packets` bigint,
              `bytes` bigint,
              `start` bigint,
              `end` bigint,
              `action` string,
              `log_status` string
            )
            PARTITIONED BY (`aws_account` string, `aws_region` string, `day` string)
            ROW FORMAT DELIMITED
            FIELDS TERMINATED BY ' '
            LOCATION 's3://flow-logs-123456789010/central/AWSLogs/'
            TBLPROPERTIES (
              "skip.header.line.count"="1",
              "projection.enabled"="true",
              "projection.aws_account.type"="enum",
              "projection.aws_account.values"="123456789010",
              "projection.aws_region.type"="enum",
              "projection.aws_region.values"="us-east-1,eu-west-1",
              "projection.day.type"="date",
              "projection.day.format"="yyyy/MM/dd",
              "projection.day.range"="2025/01/01,NOW",
              "projection.day.interval"="1",
              "projection.day.interval.unit"="DAYS",
              "storage.location.template"="s3://flow-logs-123456789010/central/AWSLogs/${aws_account}/vpcflowlogs/${aws_region}/${day}"
            )
            """, Table().CreateTableStatement());
    }

    public static TheoryData<bool, bool, AthenaStorage> Layouts => new()
    {
        { false, false, AthenaStorage.Text }, { false, true, AthenaStorage.Text }, { true, false, AthenaStorage.Text },
        { true, true, AthenaStorage.Text }, { false, true, AthenaStorage.Parquet }, { true, true, AthenaStorage.Parquet },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void DDL_is_well_formed_for_every_layout_and_storage(bool hive, bool perHour, AthenaStorage storage)
    {
        var v5 = FlowLogFormat.Parse("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${region} ${flow-direction} ${traffic-path} ${resource-id}");
        var table = Table(hive, perHour, storage, v5);
        var ddl = table.CreateTableStatement();

        Assert.Equal(ddl.Count(c => c == '('), ddl.Count(c => c == ')'));
        Assert.Equal(0, ddl.Count(c => c == '\'') % 2);
        var columns = Regex.Matches(ddl, @"^  `([a-z0-9_]+)` (int|bigint|string),?$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(v5.Fields.Select(f => f.Replace('-', '_')), columns);
        var partitions = Regex.Match(ddl, @"PARTITIONED BY \(([^)]*)\)").Groups[1].Value.Split(", ").Select(p => p.Split(' ')[0].Trim('`')).ToList();
        Assert.Equal(perHour ? ["aws_account", "aws_region", "day", "hour"] : ["aws_account", "aws_region", "day"], partitions);
        Assert.Empty(partitions.Intersect(columns));
        var properties = Regex.Matches(ddl, "^  \"([^\"]+)\"=\"([^\"]*)\",?$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.All(partitions, p => Assert.True(properties.ContainsKey($"projection.{p}.type"), $"no projection type for {p}"));
        var template = properties["storage.location.template"];
        Assert.Equal(partitions.Order(), Regex.Matches(template, @"\$\{([a-z_]+)\}").Select(m => m.Groups[1].Value).Order());
        Assert.StartsWith("s3://flow-logs-123456789010/central/AWSLogs/", template);
        Assert.Contains(hive ? "/aws-service=vpcflowlogs/aws-region=${aws_region}/" : "/vpcflowlogs/${aws_region}/", template);
        // The day format renders the S3 path of a day in the layout.
        Assert.Equal(hive ? "year=2026/month=11/day=21" : "2026/11/21", table.DayValue(new DateOnly(2026, 11, 21)));
        Assert.Equal(storage == AthenaStorage.Text, properties.ContainsKey("skip.header.line.count"));
        Assert.Equal(storage == AthenaStorage.Parquet, ddl.Contains("ParquetHiveSerDe"));
        Assert.Equal(storage == AthenaStorage.Text, ddl.Contains("FIELDS TERMINATED BY ' '"));
        Assert.Contains("  `resource_id` string", ddl);
    }

    [Fact]
    public void Table_names_and_locations_are_checked_before_any_text_is_made()
    {
        Assert.Contains("'vpc-flow-logs'", Assert.Throws<ArgumentException>(() => (Table() with { Table = "vpc-flow-logs" }).CreateTableStatement()).Message);
        Assert.Contains("s3://", Assert.Throws<ArgumentException>(() => (Table() with { Location = "flow-logs/" }).CreateTableStatement()).Message);
        Assert.Contains("12-digit", Assert.Throws<ArgumentException>(() => AthenaSql.Translate(TopRejectedSources, Table() with { Accounts = ["12345"] })).Message);
    }

    [Fact]
    public void CloudWatch_filter_pattern_holds_the_single_valued_criteria_and_leaves_the_rest_to_the_local_filter()
    {
        var filter = new FlowFilter
        {
            Action = ["REJECT"], DestinationPort = [new PortRange(22, 22)], SourceAddress = [Cidr.Parse("203.0.113.7/32")],
            Protocol = [6, 17], Address = [Cidr.Parse("10.0.0.0/8")], LogStatus = ["OK", "SKIPDATA"],
        };
        Assert.Equal("[version, account_id, interface_id, srcaddr=\"203.0.113.7\", dstaddr, srcport, dstport=22, protocol, packets, bytes, start, end, action=\"REJECT\", log_status]",
            CloudWatchLogsFlowLogSource.FilterPattern(filter, FlowLogFormat.Default));
        Assert.Null(CloudWatchLogsFlowLogSource.FilterPattern(new FlowFilter { Port = [new PortRange(443, 443)] }, FlowLogFormat.Default));

        var request = CloudWatchLogsFlowLogSource.FilterFor("/vpc/flowlogs", new FlowLogQuery { Filter = new FlowFilter { InterfaceId = ["eni-0a1b2c3d"], Since = Since, Until = Until } }, FlowLogFormat.Default);
        Assert.Equal("eni-0a1b2c3d", request.LogStreamNamePrefix);
        Assert.Equal(Since.AddMinutes(-15), request.StartTime);
        Assert.Equal(Until.AddMinutes(15), request.EndTime);
        Assert.Equal("eni-0a1b2c3d", CloudWatchLogsFlowLogSource.InterfaceOf("eni-0a1b2c3d-all"));
        Assert.Equal("eni-0a1b2c3d", CloudWatchLogsFlowLogSource.InterfaceOf("eni-0a1b2c3d-reject"));
        Assert.Null(CloudWatchLogsFlowLogSource.InterfaceOf("tgw-attach-0a1b2c3d"));
    }
}
