using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Clinicians;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Queue;
using Matching.Service.Reports;
using Weasel.Core;
using Wolverine.Marten;

namespace Matching.Service.Infrastructure;

public static class MartenSetup
{
    /// <summary>The database schema of every table the service owns.</summary>
    public const string SchemaName = "matching";

    public static void AddMatchingMarten(this WebApplicationBuilder builder, string connectionString)
    {
        var applySchema = builder.Environment.IsDevelopment()
                          || builder.Configuration.GetValue<bool>("Matching:ApplySchemaOnStartup");

        builder.Services.AddMarten(services =>
                ConfigureStore(new StoreOptions(), connectionString, services.GetRequiredService<MatchingOptions>(), applySchema,
                    services.GetRequiredService<IHttpContextAccessor>()))
            // Wolverine runs the async projections (audit trail, report facts) on one node of the cluster; no AddAsyncDaemon.
            .IntegrateWithWolverine(x => x.UseWolverineManagedEventSubscriptionDistribution = true)
            // Partners' Task subscriptions, notified from the daemon like a projection (docs/adr/0037-fhir-task-subscriptions.md).
            .SubscribeToEvents(new Fhir.TaskChanges())
            .BuildSessionsWith<ActorStampingSessionFactory>();

        if (applySchema) builder.Services.AddMartenSchemaOnStartup();
    }

    /// <summary>
    /// The store's whole configuration (schema, serializer, metadata, projections), shared by the host and by
    /// tools that open a store of their own (the load benchmark), so both measure and run the same mappings.
    /// </summary>
    public static StoreOptions ConfigureStore(StoreOptions opts, string connectionString, MatchingOptions matching, bool applySchema,
        IHttpContextAccessor? requests = null)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = SchemaName;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        opts.AutoCreateSchemaObjects = applySchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;

        var metadata = opts.Events.MetadataConfig;
        metadata.CorrelationIdEnabled = true;
        metadata.CausationIdEnabled = true;
        metadata.HeadersEnabled = true;
        metadata.UserNameEnabled = true;

        opts.Listeners.Add(new ActorListener(requests));

        // Spans for Marten's connections and commands, exported with the rest when OTLP is configured.
        opts.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;

        KeyRing.Configure(opts);
        EventVersions.Configure(opts);
        ReferralsModule.Configure(opts, matching);
        CliniciansModule.Configure(opts);
        AuditModule.Configure(opts);
        ReportsModule.Configure(opts);
        Fhir.TaskSubscription.Configure(opts);
        return opts;
    }

    private static void AddMartenSchemaOnStartup(this IServiceCollection services) =>
        services.AddHostedService<SchemaOnStartup>();
}

/// <summary>
/// Creates or updates the schema before the first request: Marten's documents and events and the objects the modules
/// add to it (the first-session slots, the queue counts and their triggers, the key ring).
/// </summary>
public sealed class SchemaOnStartup(IDocumentStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ApplyAsync(store, cancellationToken);

    public static Task ApplyAsync(IDocumentStore store, CancellationToken cancellationToken) =>
        store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
