using VpcSecTools.Endpoints;
using VpcSecTools.Errors;

namespace VpcSecTools.Tests.Endpoints;

public class PriceTableTests
{
    [Fact]
    public void Bundled_table_holds_the_design_figures_for_us_east_1_and_is_dated()
    {
        var table = PriceTable.Bundled();
        var p = table.For("us-east-1");
        Assert.Equal((0.045m, 0.045m, 0.01m, 0.01m, 0.0035m), (p.NatGatewayHourly, p.NatGatewayPerGb, p.InterfaceEndpointHourlyPerAz,
            p.InterfaceEndpointPerGb, p.GatewayLoadBalancerEndpointPerGb));
        Assert.Equal("aws", p.Partition);
        Assert.Equal(730m, table.HoursPerMonth);
        Assert.NotNull(table.AsOf);
        Assert.Contains("pricing", table.Source);
        Assert.True(table.Regions.Count >= 4);
        Assert.All(table.Regions, r => Assert.True(table.For(r).NatGatewayPerGb > table.For(r).InterfaceEndpointPerGb));
    }

    [Fact]
    public void Interface_data_tiers_apply_per_band()
    {
        var p = PriceTable.Bundled().For("us-east-1");
        const decimal pb = 1048576m;
        Assert.Equal(1000m * 0.01m, p.InterfaceEndpointDataCost(1000m));
        Assert.Equal(pb * 0.01m + pb * 0.006m, p.InterfaceEndpointDataCost(2 * pb));
        Assert.Equal(pb * 0.01m + 4 * pb * 0.006m + pb * 0.004m, p.InterfaceEndpointDataCost(6 * pb));
    }

    [Fact]
    public void Override_file_replaces_only_its_regions_and_keeps_partitions_apart()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("p.json"), """
            { "source": "my negotiated rates", "asOf": "2026-10",
              "regions": {
                "us-east-1": { "natGatewayHourly": 0.04, "natGatewayPerGb": 0.03, "interfaceEndpointHourlyPerAz": 0.009,
                               "interfaceEndpointPerGbTiers": [ { "price": 0.008 } ] },
                "cn-north-1": { "currency": "CNY", "natGatewayHourly": 0.42, "natGatewayPerGb": 0.42, "interfaceEndpointHourlyPerAz": 0.1,
                               "interfaceEndpointPerGbTiers": [ { "price": 0.1 } ] } } }
            """);
        var table = PriceTable.LoadOrBundled(dir.File("p.json"));
        Assert.Equal(0.03m, table.For("us-east-1").NatGatewayPerGb);
        Assert.Equal(0.048m, table.For("eu-west-1").NatGatewayPerGb);
        var cn = table.For("cn-north-1");
        Assert.Equal(("aws-cn", "CNY"), (cn.Partition, cn.Currency));
        Assert.Equal("cn.com.amazonaws.cn-north-1.sqs", EndpointCatalog.ServiceName(cn.Partition, "cn-north-1", "sqs", EndpointKind.Interface));
        Assert.Equal("com.amazonaws.cn-north-1.s3", EndpointCatalog.ServiceName(cn.Partition, "cn-north-1", "s3", EndpointKind.Gateway));
        Assert.Contains("my negotiated rates", table.Source);
    }

    [Theory]
    [InlineData("{ \"regions\": { \"us-east-1\": { \"natGatewayPerGb\": 0.045 } } }", "us-east-1")]
    [InlineData("{ \"regions\": {} }", "regions")]
    [InlineData("{ not json", "p.json")]
    public void Bad_price_files_name_the_problem(string text, string named)
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("p.json"), text);
        var e = Assert.Throws<PriceTableException>(() => PriceTable.LoadOrBundled(dir.File("p.json")));
        Assert.Contains(named, e.Message);
        Assert.Equal(ErrorCatalog.PriceTableInvalid, ErrorCatalog.Classify(e).ErrorId);
    }
}
