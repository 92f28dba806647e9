using System.Text.Json.Nodes;
using Alba;
using Marten;
using Marten.Events;
using Matching.Service.Infrastructure;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Matching.Tests.Audit;

public static class AuditSupport
{
    /// <summary>Waits until the async audit projection has caught up with every event.</summary>
    public static Task AuditCaughtUp(this IAlbaHost host) =>
        host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    public static async Task<JsonArray> AuditOf(this IAlbaHost host, Guid referralId)
    {
        await host.AuditCaughtUp();
        var (status, body) = await host.Get($"/api/audit/referrals/{referralId}", Tokens.Compliance);
        status.ShouldBe(System.Net.HttpStatusCode.OK, body?.ToJsonString());
        return body!["entries"]!.AsArray();
    }

    public static async Task<JsonNode> Integrity(this IAlbaHost host)
    {
        await host.AuditCaughtUp();
        var (status, body) = await host.Get("/api/audit/integrity", Tokens.Compliance);
        status.ShouldBe(System.Net.HttpStatusCode.OK, body?.ToJsonString());
        return body!;
    }

    public static async Task ShouldVerify(this IAlbaHost host)
    {
        var report = await host.Integrity();
        report["verified"]!.GetValue<bool>().ShouldBeTrue(report.ToJsonString());
        report["checked"]!.GetValue<long>().ShouldBeGreaterThan(0);
    }

    public static async Task<int> Sql(this IAlbaHost host, string sql, params (string Name, object Value)[] parameters)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T?> Scalar<T>(this IAlbaHost host, string sql, params (string Name, object Value)[] parameters)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T?)await command.ExecuteScalarAsync();
    }

    /// <summary>A session stamped as a request would stamp it, for events appended straight to a stream.</summary>
    public static IDocumentSession StampedSession(this IAlbaHost host, string sub, string role, string correlation) =>
        host.Services.GetRequiredService<IDocumentStore>().StampedSession(sub, $"Test {sub}", role, correlation);

    public static IDocumentSession StampedSession(this IDocumentStore store, string sub, string name, string role, string correlation)
    {
        var session = store.LightweightSession();
        session.SetHeader(Actor.SubHeader, sub);
        session.SetHeader(Actor.NameHeader, name);
        session.SetHeader(Actor.RoleHeader, role);
        session.LastModifiedBy = sub;
        session.CorrelationId = correlation;
        session.CausationId = "cause-" + correlation;
        return session;
    }
}
