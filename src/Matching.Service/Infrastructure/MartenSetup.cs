using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Referrals;
using Weasel.Core;
using Wolverine.Marten;

namespace Matching.Service.Infrastructure;

public static class MartenSetup
{
    public static void AddMatchingMarten(this WebApplicationBuilder builder, string connectionString)
    {
        var applySchema = builder.Environment.IsDevelopment()
                          || builder.Configuration.GetValue<bool>("Matching:ApplySchemaOnStartup");

        builder.Services.AddMarten(services =>
            {
                var opts = new StoreOptions();
                opts.Connection(connectionString);
                opts.DatabaseSchemaName = "matching";
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                opts.AutoCreateSchemaObjects = applySchema ? AutoCreate.CreateOrUpdate : AutoCreate.None;

                var metadata = opts.Events.MetadataConfig;
                metadata.CorrelationIdEnabled = true;
                metadata.CausationIdEnabled = true;
                metadata.HeadersEnabled = true;
                metadata.UserNameEnabled = true;

                ReferralsModule.Configure(opts, services.GetRequiredService<MatchingOptions>());
                CliniciansModule.Configure(opts);
                return opts;
            })
            .IntegrateWithWolverine()
            .BuildSessionsWith<ActorStampingSessionFactory>();

        if (applySchema) builder.Services.AddMartenSchemaOnStartup();
    }

    private static void AddMartenSchemaOnStartup(this IServiceCollection services) =>
        services.AddHostedService<SchemaOnStartup>();
}

/// <summary>Creates or updates the schema before the first request.</summary>
internal sealed class SchemaOnStartup(IDocumentStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await FirstSessionSlots.EnsureTableAsync(store, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
