using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.LoadBench;

/// <summary>(b) Marten alone, configured by the service's own code: the same appends and inline projections, no HTTP, no Wolverine.</summary>
public sealed class MartenScenarios(IDocumentStore store)
{
    private static readonly MatchingOptions Options = new();
    private static readonly Intake Sample = Payloads.Intake();
    private static readonly RecordContactAttempt Attempt = new(ContactChannel.Phone, ContactOutcome.NoAnswer, null, null);

    public static IDocumentStore OpenStore(string connectionString) =>
        new DocumentStore(MartenSetup.ConfigureStore(new StoreOptions(), connectionString, Options, applySchema: true));

    private IDocumentSession Session()
    {
        var session = store.LightweightSession();
        ActorStampingSessionFactory.Stamp(session, null);
        session.CorrelationId = "cbdc8d116392e010c8f695e528b102ff";
        session.CausationId = "0HNQC28E24QMS:00000001";
        return session;
    }

    public async Task<Guid> IntakeAsync()
    {
        var id = Guid.CreateVersion7();
        await using var session = Session();
        session.Events.StartStream<Referral>(id, SubmitIntakeHandler.Decide(Sample, Options.PracticeDate(DateTimeOffset.UtcNow)));
        await session.SaveChangesAsync();
        return id;
    }

    public async Task ContactAttemptAsync(Guid id)
    {
        await using var session = Session();
        var stream = await session.Events.FetchForWriting<Referral>(id);
        stream.AppendMany(RecordContactAttemptHandler.Decide(stream.Aggregate!, Attempt));
        await session.SaveChangesAsync();
    }

    /// <summary>Referrals for the lifecycle scenarios, 100 streams per commit.</summary>
    public static async Task<Guid[]> CreateReferralsAsync(IDocumentStore store, int count)
    {
        var ids = new Guid[count];
        for (var start = 0; start < count; start += 100)
        {
            await using var session = store.LightweightSession();
            ActorStampingSessionFactory.Stamp(session, null);
            for (var i = start; i < Math.Min(count, start + 100); i++)
            {
                ids[i] = Guid.CreateVersion7();
                session.Events.StartStream<Referral>(ids[i], SubmitIntakeHandler.Decide(Payloads.Intake(i), Options.PracticeDate(DateTimeOffset.UtcNow)));
            }
            await session.SaveChangesAsync();
        }
        return ids;
    }
}
