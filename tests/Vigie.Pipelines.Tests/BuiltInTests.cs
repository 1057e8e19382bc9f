using Vigie.Core;
using Vigie.Pipelines.Configuration;

namespace Vigie.Pipelines.Tests;

/// <summary>Real lines of each built-in format through the default pipelines.</summary>
public class BuiltInTests
{
    private static readonly IReadOnlyList<Pipeline> Defaults = PipelineConfigLoader.BuiltInsOnly();

    private static Model.PipelineEvent Through(string service, string line) =>
        Run.Through(Defaults, Run.Event(("_msg", line), ("service", service)));

    private static string Time(Model.PipelineEvent e) => Timestamps.FormatRfc3339(e.TimeNs);

    [Fact]
    public void Nginx_access_combined()
    {
        var e = Through("nginx", "203.0.113.9 - alice [25/Nov/2026:10:15:42 +0100] \"POST /api/login?next=%2F HTTP/2.0\" 401 153 \"https://shop.example.org/\" \"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\"");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal("203.0.113.9", e.Text("client_ip"));
        Assert.Equal("alice", e.Text("user"));
        Assert.Equal("POST", e.Text("method"));
        Assert.Equal("/api/login?next=%2F", e.Text("path"));
        Assert.Equal("2.0", e.Text("http_version"));
        Assert.Equal(new FieldValue(ValueKind.Number, "401"), e.Get("status"));
        Assert.Equal("153", e.Text("bytes"));
        Assert.Equal("2026-11-25T09:15:42Z", Time(e));
        Assert.Null(e.Text("timestamp"));
    }

    [Fact]
    public void Nginx_error()
    {
        var e = Through("nginx", "2026/11/25 10:16:01 [error] 3170#3170: *1127 open() \"/var/www/html/wp-login.php\" failed (2: No such file or directory), client: 198.51.100.23, server: example.org, request: \"GET /wp-login.php HTTP/1.1\", host: \"example.org\"");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal("error", e.Text("level"));
        Assert.Equal("198.51.100.23", e.Text("client_ip"));
        Assert.Equal("/wp-login.php", e.Text("path"));
        Assert.Equal("3170", e.Text("pid"));
        Assert.Equal("2026-11-25T10:16:01Z", Time(e));
    }

    [Fact]
    public void Apache_access_common_and_error()
    {
        var access = Through("apache2", "192.0.2.44 - - [03/Dec/2026:22:01:09 -0500] \"GET /index.html HTTP/1.1\" 304 -");
        Assert.Null(access.Text("_pipeline_error"));
        Assert.Equal("304", access.Text("status"));
        Assert.Null(access.Text("bytes"));
        Assert.Equal("2026-12-04T03:01:09Z", Time(access));

        var error = Through("httpd", "[Wed Nov 25 10:20:33.512345 2026] [core:error] [pid 8812:tid 140071] [client 192.0.2.10:53212] AH00126: Invalid URI in request GET /%%% HTTP/1.1");
        Assert.Null(error.Text("_pipeline_error"));
        Assert.Equal("core", error.Text("module"));
        Assert.Equal("error", error.Text("level"));
        Assert.Equal("192.0.2.10", error.Text("client_ip"));
        Assert.Equal("AH00126", error.Text("error_code"));
        Assert.Equal("2026-11-25T10:20:33.512345Z", Time(error));
    }

    [Fact]
    public void Traefik_clf_and_json()
    {
        var clf = Through("traefik", "10.0.0.5 - - [25/Nov/2026:10:30:00 +0000] \"GET /whoami HTTP/1.1\" 200 412 \"-\" \"curl/8.5.0\" 37 \"whoami@docker\" \"http://172.18.0.3:80\" 4ms");
        Assert.Null(clf.Text("_pipeline_error"));
        Assert.Equal("whoami@docker", clf.Text("router"));
        Assert.Equal("4", clf.Text("duration_ms"));
        Assert.Equal("200", clf.Text("status"));

        var json = Through("traefik", """{"ClientHost":"10.0.0.6","RequestMethod":"GET","RequestPath":"/api","RequestProtocol":"HTTP/2.0","DownstreamStatus":503,"DownstreamContentSize":19,"RouterName":"api@docker","Duration":1534000,"StartUTC":"2026-11-25T10:31:00.25Z"}""");
        Assert.Null(json.Text("_pipeline_error"));
        Assert.Equal("10.0.0.6", json.Text("client_ip"));
        Assert.Equal("/api", json.Text("path"));
        Assert.Equal(new FieldValue(ValueKind.Number, "503"), json.Get("status"));
        Assert.Equal("2026-11-25T10:31:00.25Z", Time(json));
    }

    [Fact]
    public void Postgresql()
    {
        var e = Through("postgresql", "2026-11-25 10:40:12.345 UTC [2219] ERROR:  duplicate key value violates unique constraint \"users_email_key\"");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal("error", e.Text("level"));
        Assert.Equal("2219", e.Text("pid"));
        Assert.StartsWith("duplicate key value", e.Text("pg_message"));
        Assert.Equal("2026-11-25T10:40:12.345Z", Time(e));
        var ready = Through("postgres", "2026-11-25 10:40:00.001 UTC [1] LOG:  database system is ready to accept connections");
        Assert.Equal("info", ready.Text("level"));
    }

    [Fact]
    public void Sshd()
    {
        var accepted = Through("sshd", "Accepted publickey for deploy from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:Hk3yq1Xm2");
        Assert.Null(accepted.Text("_pipeline_error"));
        Assert.Equal("accepted", accepted.Text("ssh_event"));
        Assert.Equal("publickey", accepted.Text("auth_method"));
        Assert.Equal("deploy", accepted.Text("user"));
        Assert.Equal("198.51.100.7", accepted.Text("client_ip"));

        var failed = Through("sshd", "Nov 25 10:50:01 web-1 sshd[9121]: Failed password for invalid user admin from 203.0.113.50 port 41234 ssh2");
        Assert.Equal("failed", failed.Text("ssh_event"));
        Assert.Equal("admin", failed.Text("user"));
        Assert.Equal("9121", failed.Text("pid"));

        var other = Through("sshd", "Server listening on 0.0.0.0 port 22.");
        Assert.Null(other.Text("_pipeline_error"));
    }

    [Fact]
    public void Docker_daemon()
    {
        var e = Through("dockerd", "time=\"2026-11-25T10:55:00.123456789Z\" level=warning msg=\"Health check for container 3f2a failed\" container=3f2a");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal("warning", e.Text("level"));
        Assert.Equal("Health check for container 3f2a failed", e.Text("_msg"));
        Assert.Equal("3f2a", e.Text("container"));
        Assert.Equal("2026-11-25T10:55:00.123456789Z", Time(e));
    }

    [Fact]
    public void Json_application_logs_any_service()
    {
        var e = Through("billing", """{"ts":1764067200.5,"lvl":"WARN","msg":"card declined","order":{"id":991,"total":12.5}}""");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal("card declined", e.Text("_msg"));
        Assert.Equal("warning", e.Text("level"));
        Assert.Equal("991", e.Text("order.id"));
        Assert.Equal("2025-11-25T10:40:00.5Z", Time(e));
        Assert.Null(e.Text("ts"));
    }

    [Fact]
    public void Lines_in_the_layout_that_do_not_parse_are_kept_and_tagged()
    {
        var e = Through("nginx", "10.0.0.1 - - [not a date] \"GET / HTTP/1.1\" 200 1");
        Assert.Equal("10.0.0.1 - - [not a date] \"GET / HTTP/1.1\" 200 1", e.Text("_msg"));
        Assert.StartsWith("nginx/grok: ", e.Text("_pipeline_error"));
        Assert.Null(e.Text("client_ip"));
    }

    [Fact]
    public void Events_already_parsed_by_a_shipper_are_left_alone()
    {
        var e = Through("nginx", "GET /index.html 200");
        Assert.Null(e.Text("_pipeline_error"));
        Assert.Equal(2, e.Fields.Count);
    }

    [Fact]
    public void Other_services_are_left_alone()
    {
        var e = Through("cron", "203.0.113.9 - - [25/Nov/2026:10:15:42 +0100] \"GET / HTTP/1.1\" 200 1");
        Assert.Null(e.Text("client_ip"));
        Assert.Equal(2, e.Fields.Count);
    }
}
