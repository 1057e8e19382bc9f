using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Vigie.Server.Tests.Protocols;

/// <summary>A journald upload that never ends (systemd-journal-upload --follow) is stored as it comes.</summary>
public sealed class JournaldFollowTests : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async Task InitializeAsync() => _server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FollowUpload_EntriesSearchableWhileOpen_AndSurvivesQuietPeriods()
    {
        var next = new SemaphoreSlim(0);
        var content = new PushContent(async stream =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("MESSAGE=first entry\nSYSLOG_IDENTIFIER=follow-test\n\n"));
            await stream.FlushAsync();
            await next.WaitAsync();
            await stream.WriteAsync(Encoding.UTF8.GetBytes("MESSAGE=second entry\nSYSLOG_IDENTIFIER=follow-test\n\n"));
        });
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.fdo.journal");
        var upload = _server.Client.PostAsync("/upload", content);

        var first = await _server.QueryUntilAsync("service:follow-test", r => r.Count == 1);
        Assert.Equal("first entry", Assert.Single(first).GetProperty("_msg").GetString());
        Assert.False(upload.IsCompleted);
        // Quieter than Kestrel's minimum body data rate (240 B/s after a 5 s grace) would allow.
        await Task.Delay(TimeSpan.FromSeconds(7));
        next.Release();

        using var answer = await upload;
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var rows = await _server.QueryUntilAsync("service:follow-test", r => r.Count == 2);
        Assert.Equal(2, rows.Count);
    }

    private sealed class PushContent(Func<Stream, Task> write) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
