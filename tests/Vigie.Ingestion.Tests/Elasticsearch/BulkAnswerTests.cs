using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck.Xunit;
using Vigie.Ingestion.Elasticsearch;

namespace Vigie.Ingestion.Tests.Elasticsearch;

/// <summary>The bulk answer, written from fixed pieces, is byte for byte what a JSON writer makes of the items.</summary>
public sealed class BulkAnswerTests
{
    private static readonly string[] Actions = ["index", "create", "update", "delete"];
    private static readonly string[] Texts = ["logs", "web-2026.11.25", "é", "quote\"back\\slash", "<&+'>", "tab\t", "", "日本"];

    [Property(MaxTest = 200)]
    public void Write_RandomItems_SameBytesAsAJsonWriter(int seed, int salt)
    {
        var random = new Random(Seed(seed, salt));
        var items = new List<BulkItem>();
        for (var i = random.Next(0, 40); i > 0; i--)
        {
            var failed = random.Next(4) == 0;
            items.Add(new BulkItem(
                Actions[random.Next(Actions.Length)],
                Texts[random.Next(Texts.Length)],
                random.Next(3) == 0 ? Texts[random.Next(Texts.Length)] + random.Next(100) : null,
                failed ? 400 : 201,
                failed ? "invalid JSON: " + Texts[random.Next(Texts.Length)] : null));
        }
        var errors = items.Any(i => i.Error is not null);
        var took = random.Next(0, 100_000);
        var stamp = random.NextInt64(0, long.MaxValue);

        var written = new ArrayBufferWriter<byte>(16);
        BulkAnswer.Write(written, items, errors, took, stamp);

        Assert.Equal(Reference(items, errors, took, stamp), Encoding.UTF8.GetString(written.WrittenSpan));
    }

    [Fact]
    public void Write_ManyItems_IsValidJsonWithOneItemEach()
    {
        var items = Enumerable.Range(0, 5000).Select(_ => new BulkItem("index", "logs", null, 201, null)).ToList();
        var written = new ArrayBufferWriter<byte>(16);

        BulkAnswer.Write(written, items, false, 3, 0x1234);

        using var answer = JsonDocument.Parse(written.WrittenMemory);
        Assert.False(answer.RootElement.GetProperty("errors").GetBoolean());
        var parsed = answer.RootElement.GetProperty("items");
        Assert.Equal(5000, parsed.GetArrayLength());
        Assert.Equal("1234-1387", parsed[4999].GetProperty("index").GetProperty("_id").GetString());
        Assert.Equal(4999, parsed[4999].GetProperty("index").GetProperty("_seq_no").GetInt64());
    }

    /// <summary>How the answer was written before: property by property with <see cref="Utf8JsonWriter"/>.</summary>
    private static string Reference(List<BulkItem> items, bool errors, long took, long stamp)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("took", took);
            writer.WriteBoolean("errors", errors);
            writer.WriteStartArray("items");
            var seq = 0L;
            var number = 0;
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writer.WriteStartObject(item.Action);
                writer.WriteString("_index", item.Index);
                writer.WriteString("_id", item.Id ?? stamp.ToString("x", CultureInfo.InvariantCulture) + "-" + number.ToString("x", CultureInfo.InvariantCulture));
                number++;
                writer.WriteNumber("status", item.Status);
                if (item.Error is null)
                {
                    writer.WriteNumber("_version", 1);
                    writer.WriteString("result", "created");
                    writer.WriteStartObject("_shards");
                    writer.WriteNumber("total", 1);
                    writer.WriteNumber("successful", 1);
                    writer.WriteNumber("failed", 0);
                    writer.WriteEndObject();
                    writer.WriteNumber("_seq_no", seq++);
                    writer.WriteNumber("_primary_term", 1);
                }
                else
                {
                    writer.WriteStartObject("error");
                    writer.WriteString("type", "document_parsing_exception");
                    writer.WriteString("reason", item.Error);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>A seed from two numbers, the same in every run (HashCode.Combine is randomised per process).</summary>
    internal static int Seed(int seed, int salt) => unchecked((seed * 100_003) + salt);
}
