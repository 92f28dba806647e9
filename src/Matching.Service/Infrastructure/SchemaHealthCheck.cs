using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Matching.Service.Infrastructure;

/// <summary>Ready only when the event store's tables exist.</summary>
public sealed class SchemaHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken token = default)
    {
        await using var connection = new NpgsqlConnection(store.Options.Tenancy.Default.Database.CreateConnection().ConnectionString);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand("select to_regclass('matching.mt_events') is not null and to_regclass('matching.first_session_slots') is not null", connection);
        var present = await command.ExecuteScalarAsync(token) is true;
        return present ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The event store schema is not in place.");
    }
}
