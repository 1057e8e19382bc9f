using Serilog;

namespace Vigie.Clients.Tests;

/// <summary>Serilog's Seq sink (CLEF over HTTP).</summary>
public sealed class SeqClientTests : IAsyncLifetime
{
    private ClientServer _server = null!;

    public async Task InitializeAsync() => _server = await ClientServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SerilogSeqSink_Events_AreStoredWithRenderedMessageLevelAndProperties()
    {
        var run = Guid.NewGuid().ToString("N");
        var failures = new List<string>();
        Serilog.Debugging.SelfLog.Enable(m => { lock (failures) { failures.Add(m); } });
        try
        {
            using (var logger = new LoggerConfiguration()
                .MinimumLevel.Verbose()
                .Enrich.WithProperty("Application", "billing")
                .WriteTo.Seq(_server.BaseUrl, apiKey: "secret-key")
                .CreateLogger())
            {
                logger.Information("Invoice {InvoiceId} sent to {@Customer} in {Run}", 1001, new { Name = "Ada", Tier = 2 }, run);
                logger.Warning("Retrying invoice {InvoiceId} in {Run}", 1002, run);
                logger.Error(new InvalidOperationException("card declined"), "Payment failed in {Run}", run);
            }
        }
        finally
        {
            Serilog.Debugging.SelfLog.Disable();
        }

        Assert.Empty(failures);
        var rows = await _server.QueryUntilAsync($"Run:{run}", 3);
        Assert.Equal(3, rows.Count);
        Assert.Equal([$"Invoice 1001 sent to {{\"Name\":\"Ada\",\"Tier\":2}} in {run}", $"Payment failed in {run}", $"Retrying invoice 1002 in {run}"], rows.Messages());
        var invoice = rows.Single(r => r.Text("_msg").StartsWith("Invoice", StringComparison.Ordinal));
        Assert.Equal("info", invoice.Text("level"));
        Assert.Equal("1001", invoice.Text("InvoiceId"));
        Assert.Equal("Ada", invoice.Text("Customer.Name"));
        Assert.Equal("billing", invoice.Text("Application"));
        Assert.Equal("Invoice {InvoiceId} sent to {@Customer} in {Run}", invoice.Text("message_template"));
        var failed = rows.Single(r => r.Text("_msg").StartsWith("Payment", StringComparison.Ordinal));
        Assert.Equal("error", failed.Text("level"));
        Assert.Contains("card declined", failed.Text("exception"), StringComparison.Ordinal);
        Assert.Equal("warning", rows.Single(r => r.Text("_msg").StartsWith("Retrying", StringComparison.Ordinal)).Text("level"));
    }
}
