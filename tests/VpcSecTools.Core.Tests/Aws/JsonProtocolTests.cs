using System.Text.Json.Nodes;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Json;
using VpcSecTools.FlowLogs.PushDown;

namespace VpcSecTools.Tests.Aws;

/// <summary>The JSON 1.1 error-body reading and the reading of the engines' printed values.</summary>
public class JsonProtocolTests
{
    [Theory]
    [InlineData("{\"__type\":\"com.amazonaws.logs#ThrottlingException\",\"message\":\"Rate exceeded\"}", null, "ThrottlingException", "Rate exceeded")]
    [InlineData("{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized\"}", null, "AccessDeniedException", "not authorized")]
    [InlineData("{\"message\":\"no type in the body\"}", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/", "ThrottlingException", "no type in the body")]
    [InlineData(null, null, null, null)]
    public void Error_code_is_the_bare_name_from_the_body_or_the_header(string? body, string? header, string? code, string? message)
    {
        var parsed = body is null ? null : JsonNode.Parse(body)!.AsObject();
        Assert.Equal((code, message), AwsJsonUnmarshaller.ErrorOf(parsed, header));
    }

    [Theory]
    [InlineData("1439387263", 1439387263000L)]
    [InlineData("1439387263123", 1439387263123L)]
    [InlineData("1.439387263E9", 1439387263000L)]
    [InlineData("2015-08-12 13:47:43.000", 1439387263000L)]
    public void Times_are_read_as_the_engines_print_them(string text, long expectedMs)
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedMs), RemoteRows.Time(text));
    }

    [Fact]
    public void Polling_waits_grow_to_the_maximum()
    {
        var polling = new QueryPolling();
        var waits = Enumerable.Range(0, 12).Select(polling.WaitBefore).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(250), waits[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(400), waits[1]);
        Assert.All(waits.Zip(waits.Skip(1)), p => Assert.True(p.Second >= p.First));
        Assert.Equal(polling.Maximum, waits[^1]);
    }
}
