using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;

namespace Matching.DevHost.Seeding;

/// <summary>
/// One referral's history as the commands would have written it: each step an event at a time,
/// by an actor, with the correlation and causation ids a request would have carried. The helpers
/// only allow the transitions of the lifecycle in product.md, so the seeded streams replay into
/// the same states the API produces.
/// </summary>
internal sealed class DemoStory(Guid id, DateTimeOffset submittedAt, Random random, MatchingOptions options)
{
    private readonly List<IEvent> _events = [];

    public Guid Id { get; } = id;
    public DateTimeOffset Clock { get; private set; } = submittedAt;
    public ReferralStatus Status { get; private set; }
    public Intake Intake { get; private set; } = null!;
    public (Guid Id, Guid ClinicianId)? OpenProposal { get; private set; }
    public Guid? AcceptedClinicianId { get; private set; }
    public (Guid Id, Guid ClinicianId, DateTimeOffset StartsAt, int Minutes, bool Occupies)? Session { get; private set; }
    public List<Guid> ExcludedClinicians { get; } = [];
    public IReadOnlyList<IEvent> Events => _events;

    public DemoStory Submit(Intake intake, AgeGroup ageGroup)
    {
        Intake = intake;
        var correlation = NextId();
        Add(new IntakeSubmitted(SubmitIntakeEndpoint.Kept(intake), options.PracticeDate(Clock), ageGroup), Actor.Anonymous, correlation);
        if (intake.IsUrgent) Add(new RiskFlagged(intake.Safety!.ThoughtsOfSelfHarm!.Value), Actor.Anonymous, correlation);
        Status = ReferralStatus.AwaitingTriage;
        return this;
    }

    public DemoStory Escalate()
    {
        var flaggedAt = _events[0].Timestamp;
        Clock = flaggedAt + options.RiskAcknowledgementWindow;
        return Add(new RiskEscalated(flaggedAt, options.RiskAcknowledgementWindow), Actor.System);
    }

    public DemoStory Acknowledge(TimeSpan after, Actor coordinator, RiskAction action, string note) =>
        After(after).Add(new RiskAcknowledged(action, note), coordinator);

    public DemoStory Triage(TimeSpan after, Actor coordinator, TriagePriority priority = TriagePriority.Routine, string? note = null)
    {
        Require(ReferralStatus.AwaitingTriage);
        Status = ReferralStatus.AwaitingMatch;
        return After(after).Add(new ReferralTriaged(priority, note), coordinator);
    }

    public DemoStory Propose(TimeSpan after, Actor coordinator, DemoClinician clinician, string? note = null)
    {
        Require(ReferralStatus.AwaitingMatch, ReferralStatus.Waitlisted);
        After(after);
        var proposalId = DemoClinicians.NextGuid(random);
        OpenProposal = (proposalId, clinician.Id);
        Status = ReferralStatus.Proposed;
        return Add(new MatchProposed(proposalId, clinician.Id, Clock + options.ProposalResponseWindow, note, null, null), coordinator);
    }

    public DemoStory Accept(TimeSpan after, DemoClinician clinician, string? note = null)
    {
        var (proposalId, clinicianId) = OpenProposal!.Value;
        OpenProposal = null;
        AcceptedClinicianId = clinicianId;
        Status = ReferralStatus.Accepted;
        return After(after).Add(new ProposalAccepted(proposalId, clinicianId, note), ClinicianActor(clinician));
    }

    public DemoStory Decline(TimeSpan after, DemoClinician clinician, DeclineReason reason, string? note = null)
    {
        var (proposalId, clinicianId) = OpenProposal!.Value;
        Rematch(clinicianId);
        return After(after).Add(new ProposalDeclined(proposalId, clinicianId, reason, note), ClinicianActor(clinician));
    }

    public DemoStory Expire()
    {
        var (proposalId, clinicianId) = OpenProposal!.Value;
        Clock = _events.Last(e => e.Data is MatchProposed).Timestamp + options.ProposalResponseWindow;
        Rematch(clinicianId);
        return Add(new ProposalExpired(proposalId, clinicianId), Actor.System);
    }

    public DemoStory Withdraw(TimeSpan after, Actor coordinator, string reason)
    {
        var (proposalId, clinicianId) = OpenProposal!.Value;
        Rematch(clinicianId);
        return After(after).Add(new ProposalWithdrawn(proposalId, clinicianId, reason), coordinator);
    }

    public DemoStory Contact(TimeSpan after, Actor coordinator, ContactChannel channel, ContactOutcome outcome, string? note = null) =>
        After(after).Add(new ContactAttempted(channel, outcome, note), coordinator);

    public DemoStory Book(TimeSpan after, Actor coordinator, DateTimeOffset startsAt, SessionFormat format)
    {
        Require(ReferralStatus.Accepted);
        var sessionId = DemoClinicians.NextGuid(random);
        Session = (sessionId, AcceptedClinicianId!.Value, startsAt, 50, true);
        Status = ReferralStatus.Booked;
        return After(after).Add(new FirstSessionBooked(sessionId, AcceptedClinicianId.Value, startsAt, 50, format), coordinator);
    }

    public DemoStory Reschedule(TimeSpan after, Actor coordinator, DateTimeOffset startsAt)
    {
        var session = Session!.Value;
        Session = session with { StartsAt = startsAt };
        return After(after).Add(new FirstSessionRescheduled(session.Id, session.ClinicianId, session.StartsAt, startsAt, session.Minutes), coordinator);
    }

    public DemoStory Cancel(TimeSpan after, Actor coordinator, CancelledBy by, string reason)
    {
        var session = Session!.Value;
        Session = session with { Occupies = false };
        Status = ReferralStatus.Accepted;
        return After(after).Add(new FirstSessionCancelled(session.Id, session.ClinicianId, by, reason), coordinator);
    }

    public DemoStory Attended(Actor coordinator, string? note = null)
    {
        var session = Session!.Value;
        Clock = session.StartsAt.AddMinutes(session.Minutes + 90);
        Status = ReferralStatus.Closed;
        return Add(new FirstSessionAttended(session.Id, session.ClinicianId, note), coordinator);
    }

    public DemoStory Missed(Actor coordinator, string? note = null)
    {
        var session = Session!.Value;
        Clock = session.StartsAt.AddMinutes(session.Minutes + 60);
        Session = session with { Occupies = false };
        Status = ReferralStatus.Accepted;
        return Add(new FirstSessionMissed(session.Id, session.ClinicianId, note), coordinator);
    }

    public DemoStory Waitlist(TimeSpan after, Actor coordinator, string reason)
    {
        Require(ReferralStatus.AwaitingMatch);
        Status = ReferralStatus.Waitlisted;
        return After(after).Add(new ReferralWaitlisted(reason), coordinator);
    }

    public DemoStory CheckInDue(int number)
    {
        var waitlistedAt = _events.Last(e => e.Data is ReferralWaitlisted).Timestamp;
        Clock = waitlistedAt + options.WaitlistCheckInInterval * number;
        return Add(new WaitlistCheckInDue(number), Actor.System);
    }

    public DemoStory Close(TimeSpan after, Actor coordinator, ClosureOutcome outcome, string? note = null)
    {
        if (OpenProposal is not null) throw new InvalidOperationException("Demo data closes referrals without an open proposal.");
        Status = ReferralStatus.Closed;
        return After(after).Add(new ReferralClosed(outcome, note, AcceptedClinicianId), coordinator);
    }

    private void Rematch(Guid clinicianId)
    {
        OpenProposal = null;
        ExcludedClinicians.Add(clinicianId);
        Status = ReferralStatus.AwaitingMatch;
    }

    private void Require(params ReferralStatus[] allowed)
    {
        if (!allowed.Contains(Status))
            throw new InvalidOperationException($"Demo story for {Id} expected {string.Join("/", allowed)} but is {Status}.");
    }

    private DemoStory After(TimeSpan delay)
    {
        Clock += delay;
        return this;
    }

    private DemoStory Add(object data, Actor actor, string? correlation = null)
    {
        var wrapper = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        wrapper.Timestamp = Clock;
        wrapper.CorrelationId = correlation ?? NextId();
        wrapper.CausationId = NextId();
        wrapper.UserName = actor.Sub;
        wrapper.SetHeader(Actor.SubHeader, actor.Sub);
        wrapper.SetHeader(Actor.NameHeader, actor.Name);
        wrapper.SetHeader(Actor.RoleHeader, actor.Role);
        _events.Add(wrapper);
        return this;
    }

    /// <summary>A trace-id-like hex string from the seeded generator, so reruns give the same ids.</summary>
    private string NextId() => Convert.ToHexStringLower(DemoClinicians.NextGuid(random).ToByteArray());

    public static Actor ClinicianActor(DemoClinician clinician) => new(clinician.Sub, clinician.Profile.Name, Roles.Clinician);
}
