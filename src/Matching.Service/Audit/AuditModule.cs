using JasperFx.Events.Projections;
using Marten;

namespace Matching.Service.Audit;

public static class AuditModule
{
    public static void Configure(StoreOptions opts)
    {
        ConfigureDocuments(opts);
        PersonalFields.RegisterMaskingRules(opts);
        opts.Events.AddEventType<PersonalDataAccessed>();

        // Identity tracking: each event of a batch reads the chain head and salts the event before it stored.
        opts.Projections.Add(new AuditProjection(), ProjectionLifecycle.Async,
            o =>
            {
                o.EnableDocumentTrackingByIdentity = true;
                o.BatchSize = Reports.ReportsModule.RebuildBatchSize;
            });
    }

    /// <summary>The audit documents and their indexes (shared with the export benchmark).</summary>
    public static void ConfigureDocuments(StoreOptions opts)
    {
        opts.Schema.For<AuditEntry>()
            .Identity(x => x.Id)
            .Duplicate(x => x.ReferralId!)
            .Duplicate(x => x.ActorSub)
            .Duplicate(x => x.At);
        opts.Schema.For<PersonalDataDigest>().Identity(x => x.Id).Duplicate(x => x.SubjectId);
        opts.Schema.For<DigestSalt>();
        opts.Schema.For<AuditChainHead>();
    }
}
