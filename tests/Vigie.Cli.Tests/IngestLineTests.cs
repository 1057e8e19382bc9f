using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigie.Cli.Ingest;

namespace Vigie.Cli.Tests;

public class IngestLineTests
{
    private static string Appended(byte[] line)
    {
        var output = new ArrayBufferWriter<byte>();
        IngestLine.Append(line, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("""{"a":1,"b":{"c":"d"}}""")]
    [InlineData("""  {"a":1}  """)]
    [InlineData("{}")]
    public void Append_JsonObject_IsSentAsItIs(string line)
    {
        Assert.Equal(line + "\n", Appended(TestConsole.Utf8(line)));
    }

    [Theory]
    [InlineData("plain text", """{"_msg":"plain text"}""")]
    [InlineData("say \"hi\" \\ bye", """{"_msg":"say \"hi\" \\ bye"}""")]
    [InlineData("tab\there\u0001\u001f", """{"_msg":"tab\there\u0001\u001f"}""")]
    [InlineData("{not json", """{"_msg":"{not json"}""")]
    [InlineData("""{"a":1} trailing""", """{"_msg":"{\"a\":1} trailing"}""")]
    [InlineData("[1,2]", """{"_msg":"[1,2]"}""")]
    [InlineData("café ☕", """{"_msg":"café ☕"}""")]
    public void Append_PlainText_IsWrappedAndEscaped(string line, string expected)
    {
        Assert.Equal(expected + "\n", Appended(TestConsole.Utf8(line)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Append_BlankLine_StaysBlank(string line)
    {
        Assert.Equal("\n", Appended(TestConsole.Utf8(line)));
    }

    [Fact]
    public void Append_InvalidUtf8_BecomesReplacementCharacter()
    {
        Assert.Equal("{\"_msg\":\"a\uFFFDb\"}\n", Appended([(byte)'a', 0xFF, (byte)'b']));
    }

    [Fact]
    public void AppendAsMessage_AnyText_ParsesBackToTheSameText()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>().Filter(s => s is not null), (string text) =>
        {
            var output = new ArrayBufferWriter<byte>();
            var bytes = Encoding.UTF8.GetBytes(text);
            IngestLine.AppendAsMessage(bytes, output);
            using var doc = JsonDocument.Parse(output.WrittenMemory);
            Assert.Equal(Encoding.UTF8.GetString(bytes), doc.RootElement.GetProperty("_msg").GetString());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
