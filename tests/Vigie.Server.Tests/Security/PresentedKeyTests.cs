using System.Text;
using Microsoft.AspNetCore.Http;
using Vigie.Server.Security;

namespace Vigie.Server.Tests.Security;

/// <summary>Which key a request presents, in each form shippers send credentials.</summary>
public sealed class PresentedKeyTests
{
    private static IReadOnlyList<string> Presented(string? authorization = null, string? seqHeader = null, string? query = null)
    {
        var http = new DefaultHttpContext();
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }
        if (seqHeader is not null)
        {
            http.Request.Headers["X-Seq-ApiKey"] = seqHeader;
        }
        if (query is not null)
        {
            http.Request.QueryString = new QueryString(query);
        }
        return ApiKeys.Presented(http.Request);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("Bearer k1", "k1")]
    [InlineData("bearer   k1 ", "k1")]
    [InlineData("ApiKey k1", "k1")]
    public void Authorization_Token_IsTheKey(string header, string key) => Assert.Equal([key], Presented(header));

    [Fact]
    public void Basic_ThePasswordIsTheKey_OrTheUserWhenThePasswordIsEmpty()
    {
        Assert.Equal(["k1"], Presented("Basic " + Base64("filebeat:k1")));
        Assert.Equal(["k:with:colons"], Presented("Basic " + Base64("user:k:with:colons")));
        Assert.Equal(["k1"], Presented("Basic " + Base64("k1:")));
        Assert.Empty(Presented("Basic " + Base64("no-colon")));
        Assert.Empty(Presented("Basic %%%"));
    }

    [Fact]
    public void ElasticsearchApiKey_TheTokenAndTheKeyAfterTheIdInItsBase64_AreCandidates()
    {
        var token = Base64("my-id:k1");
        Assert.Equal([token, "k1"], Presented("ApiKey " + token));
    }

    [Fact]
    public void ARawKeyThatLooksLikeBase64_IsStillAccepted()
    {
        // Decodes to bytes holding ':' (0x3A), as a random hex key may.
        var key = Convert.ToBase64String([0x10, 0x3A, 0x20, 0x41, 0x42, 0x43]);
        var keys = new ApiKeys([key]);
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "ApiKey " + key;

        Assert.True(keys.AcceptsRequest(http.Request));
        http.Request.Headers.Authorization = "ApiKey " + key + "x";
        Assert.False(keys.AcceptsRequest(http.Request));
    }

    [Fact]
    public void Seq_HeaderOrQuery_IsTheKey()
    {
        Assert.Equal(["k1"], Presented(seqHeader: "k1"));
        Assert.Equal(["k2"], Presented(query: "?apiKey=k2"));
        Assert.Empty(Presented());
    }
}
