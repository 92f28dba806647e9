using Marten;

namespace Matching.Service.Audit;

public static class AuditModule
{
    public static void Configure(StoreOptions opts)
    {
        ConfigureDocuments(opts);
        opts.Events.AddEventType<PersonalDataAccessed>();
        // Keyed by the chain end it signs: a second checkpoint of the same end can't be stored.
        opts.Schema.For<AuditCheckpoint>().Identity(x => x.Sequence);

        // The projection carries the chain's end and the salts through a batch itself: no identity tracking.
        AuditProjection.Register(opts);
        // A rebuild batch of the audit trail is inserts only (entries, digests, salts): the daemon writes them
        // with COPY. Store-wide, but a batch holding any other write (the report facts' upserts, an erasure's
        // re-masking) falls back to row-by-row commands as before.
        opts.Projections.RebuildWithBulkCopy = true;
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
    }
}
