using JasperFx.Events;
using Marten;
using Marten.Events;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Reports;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Reports;

/// <summary>One recorded event of a generated referral: what was appended and the time it carries.</summary>
public sealed record RecordedEvent(DateTimeOffset At, object Data);

public sealed record GeneratedReferral(Guid Id, IReadOnlyList<RecordedEvent> Events, string FirstName, string LastName, string Email, string Phone);

/// <summary>
/// The service on its own database with a few thousand referrals whose random lifecycles (seeded, so
/// a failure reproduces) are appended straight through Marten sessions, several streams per commit,
/// with event times spread over ten months. The events are kept here so tests can compute every
/// report independently of the service's projections.
/// </summary>
public sealed class ReportsFixture : AppFixture, IAsyncLifetime
{
    public const int ReferralCount = 2_500;
    public const int Seed = 20260106;

    public IReadOnlyList<GeneratedReferral> Referrals { get; private set; } = [];
    public IReadOnlyDictionary<Guid, (string Name, int CaseloadLimit)> Clinicians { get; private set; } = new Dictionary<Guid, (string, int)>();
    public MatchingOptions Options => Host.Services.GetRequiredService<MatchingOptions>();
    public TimeSpan GenerationTime { get; private set; }
    public TimeSpan ProjectionCatchUpTime { get; private set; }

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(Seed);

        var clinicians = new Dictionary<Guid, (string, int)>();
        await using (var session = Store.LightweightSession())
        {
            for (var i = 0; i < 12; i++)
            {
                var id = Guid.CreateVersion7();
                var name = $"Clinician {(char)('A' + i)}. Staff";
                var limit = random.Next(20, 200);
                clinicians[id] = (name, limit);
                var profile = new ClinicianProfile(name, "LPC", $"{id:N}@practice.example", "America/Denver", ["CO"], ["CO"],
                    [SessionFormat.Telehealth], [SessionType.Individual], [AgeGroup.Adult], [Concern.Trauma], [Modality.Emdr],
                    ["English"], [], null, null, null, false, false, false);
                session.Events.StartStream<Clinician>(id, new ClinicianOnboarded(profile, limit, 50, true, []));
            }
            await session.SaveChangesAsync();
        }
        Clinicians = clinicians;

        var generator = new LifecycleGenerator(random, clinicians.Keys.ToArray(), Host.Services.GetRequiredService<MatchingOptions>());
        var referrals = Enumerable.Range(0, ReferralCount).Select(generator.Referral).ToList();
        Referrals = referrals;

        foreach (var batch in referrals.Chunk(50))
        {
            await using var session = Store.LightweightSession();
            foreach (var referral in batch)
            {
                session.Events.StartStream<Referral>(referral.Id,
                    referral.Events.Select(e => Wrap(e)).ToArray());
            }
            await session.SaveChangesAsync();
        }
        GenerationTime = started.Elapsed;

        started.Restart();
        await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(90));
        ProjectionCatchUpTime = started.Elapsed;
    }

    private static object Wrap(RecordedEvent recorded)
    {
        var wrapper = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(recorded.Data.GetType()), recorded.Data)!;
        wrapper.Timestamp = recorded.At;
        return wrapper;
    }
}

/// <summary>Random but valid referral lifecycles, in the order the service's own commands would allow.</summary>
internal sealed class LifecycleGenerator(Random random, Guid[] clinicians, MatchingOptions options)
{
    private static readonly DateTimeOffset First = new(2026, 1, 3, 0, 0, 0, TimeSpan.Zero);
    private const int Days = 300;
    private static readonly Concern[] AllConcerns = Enum.GetValues<Concern>();
    private static readonly DeclineReason[] Reasons = Enum.GetValues<DeclineReason>();

    public GeneratedReferral Referral(int index)
    {
        var events = new List<RecordedEvent>();
        var at = First.AddMinutes(random.Next(Days * 24 * 60));
        void Add(object data) => events.Add(new RecordedEvent(at, data));
        void Later(int minMinutes, int maxMinutes) => at = at.AddMinutes(random.Next(minMinutes, maxMinutes + 1));

        var first = $"Zephyrine{index:D4}";
        var last = $"Quillfeather{index:D4}";
        var email = $"zq{index:D4}@clients.example.org";
        var phone = $"+1 720 555 {index:D4}";
        var urgent = random.NextDouble() < 0.12;
        var concerns = AllConcerns.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
        var intake = Samples.Intake(urgent ? SelfHarmAnswer.MoreThanHalfTheDays : SelfHarmAnswer.NotAtAll) with
        {
            Client = new ClientDetails(first, last, email, phone, new DateOnly(1988, 5, 17), "CO", "80302", null),
            Concerns = concerns,
            Notes = $"Notes for {first} {last}"
        };
        Add(new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), options.PracticeDate(at), AgeGroup.Adult));

        var done = new GeneratedReferral(Guid.CreateVersion7(), events, first, last, email, phone);
        if (urgent)
        {
            Add(new RiskFlagged(SelfHarmAnswer.MoreThanHalfTheDays));
            var flaggedAt = at;
            var acknowledgeAfter = random.NextDouble() < 0.85 ? random.Next(1, 45) : (int?)null;
            if (acknowledgeAfter is null or > 15)
            {
                at = flaggedAt.AddMinutes(15);
                Add(new RiskEscalated(flaggedAt, TimeSpan.FromMinutes(15)));
            }
            if (acknowledgeAfter is null) return done;
            at = flaggedAt.AddMinutes(acknowledgeAfter.Value);
            Add(new RiskAcknowledged(RiskAction.ContactedClient, "Called."));
        }

        var roll = random.NextDouble();
        if (roll < 0.06) return done; // still awaiting triage
        if (roll < 0.10)
        {
            Later(60, 3000);
            Add(new ReferralClosed(ClosureOutcome.Ineligible, null));
            return done;
        }

        Later(30, 2 * 24 * 60);
        Add(new ReferralTriaged(!urgent && random.NextDouble() < 0.05 ? TriagePriority.Urgent : TriagePriority.Routine, null));

        var used = new HashSet<Guid>();
        var accepted = (Guid?)null;
        for (var attempt = 0; attempt < 4 && accepted is null; attempt++)
        {
            if (random.NextDouble() < 0.12)
            {
                Later(60, 5 * 24 * 60);
                Add(new ReferralWaitlisted("No openings."));
                if (random.NextDouble() < 0.5) return done; // still waiting
                if (random.NextDouble() < 0.2)
                {
                    Later(60, 20 * 24 * 60);
                    Add(new ReferralClosed(ClosureOutcome.Withdrawn, null));
                    return done;
                }
            }

            var clinician = clinicians.Where(c => !used.Contains(c)).OrderBy(_ => random.Next()).First();
            used.Add(clinician);
            var proposalId = Guid.CreateVersion7();
            Later(30, 4 * 24 * 60);
            Add(new MatchProposed(proposalId, clinician, at.AddHours(72), null, null, null));

            var outcome = random.NextDouble();
            if (outcome < 0.50)
            {
                Later(10, 70 * 60);
                Add(new ProposalAccepted(proposalId, clinician, null));
                accepted = clinician;
            }
            else if (outcome < 0.74)
            {
                Later(10, 70 * 60);
                Add(new ProposalDeclined(proposalId, clinician, Reasons[random.Next(Reasons.Length)], "Reason noted."));
            }
            else if (outcome < 0.88)
            {
                Later(72 * 60, 72 * 60);
                Add(new ProposalExpired(proposalId, clinician));
            }
            else if (outcome < 0.95)
            {
                Later(10, 48 * 60);
                Add(new ProposalWithdrawn(proposalId, clinician, "Client asked for someone else."));
            }
            else if (random.NextDouble() < 0.5)
            {
                return done; // proposal still pending
            }
            else
            {
                // Closed while proposed: the proposal is withdrawn as part of closing, not re-matched.
                Later(10, 48 * 60);
                Add(new ProposalWithdrawn(proposalId, clinician, "Referral closed.", ClosesReferral: true));
                Add(new ReferralClosed(ClosureOutcome.Unreachable, null));
                return done;
            }
        }

        if (accepted is not { } clinicianId)
        {
            if (random.NextDouble() < 0.4)
            {
                Later(60, 3000);
                Add(new ReferralClosed(ClosureOutcome.ReferredOut, null));
            }
            return done;
        }

        for (var booking = 0; booking < 3; booking++)
        {
            if (random.NextDouble() < 0.12) return done; // accepted, not booked (yet)
            var sessionId = Guid.CreateVersion7();
            Later(60, 2 * 24 * 60);
            var startsAt = at.AddHours(random.Next(24, 20 * 24));
            Add(new FirstSessionBooked(sessionId, clinicianId, startsAt, 50, SessionFormat.Telehealth));
            if (random.NextDouble() < 0.1)
            {
                Later(60, 600);
                var previous = startsAt;
                startsAt = startsAt.AddHours(random.Next(24, 96));
                Add(new FirstSessionRescheduled(sessionId, clinicianId, previous, startsAt, 50));
            }
            var result = random.NextDouble();
            if (result < 0.08) return done; // session not held yet
            at = startsAt.AddMinutes(random.Next(50, 600));
            if (result < 0.75)
            {
                Add(new FirstSessionAttended(sessionId, clinicianId, null));
                return done;
            }
            Add(new FirstSessionMissed(sessionId, clinicianId, null));
        }
        return done;
    }
}
