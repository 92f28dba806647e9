using FluentValidation;
using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Accepting;
using Matching.Service.Referrals.Booking;
using Matching.Service.Referrals.Closing;
using Matching.Service.Referrals.ContactAttempts;
using Matching.Service.Referrals.Declining;
using Matching.Service.Referrals.Escalating;
using Matching.Service.Referrals.Expiring;
using Matching.Service.Referrals.Proposing;
using Matching.Service.Referrals.RiskAcknowledging;
using Matching.Service.Fhir;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Referrals.Triaging;
using Matching.Service.Referrals.Waitlisting;
using Matching.Service.Referrals.Withdrawing;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Matching.DevHost.Seeding;

/// <summary>
/// One referral's history as the commands write it: each step is the command's own check and decision against the
/// referral as its events leave it (folded by <see cref="Referral.Fold"/>, the aggregate's Apply methods), its events
/// stamped with a time, an actor, and the correlation and causation ids a request would have carried. No status is kept
/// here: it is the referral's, so the seeded streams replay into the states the API produces.
/// </summary>
internal sealed class DemoStory(Guid id, DateTimeOffset submittedAt, Random random, MatchingOptions options)
{
    private readonly List<IEvent> _events = [];

    public Guid Id { get; } = id;
    public DateTimeOffset Clock { get; private set; } = submittedAt;
    /// <summary>The referral as the events so far leave it.</summary>
    public Referral Referral { get; private set; } = null!;
    public ReferralStatus Status => Referral.Status;
    public ReferralIntake Intake => Referral.Intake;
    public Proposal? OpenProposal => Referral.OpenProposal;
    public Guid? AcceptedClinicianId => Referral.AcceptedProposal?.ClinicianId;
    public IEnumerable<Guid> ExcludedClinicians => Referral.ExcludedClinicianIds;
    public IReadOnlyList<IEvent> Events => _events;

    /// <summary>The intake from the public form, or from a partner's system over FHIR (<paramref name="partner" />, sent by <paramref name="sender" />).</summary>
    public DemoStory Submit(Intake intake, PartnerReferralReceived? partner = null, Actor? sender = null)
    {
        var correlation = NextId();
        foreach (var e in SubmitIntakeHandler.Decide(intake, options.PracticeDate(Clock), partner)) Add(e, sender ?? Actor.Anonymous, correlation);
        return this;
    }

    public DemoStory Escalate()
    {
        Clock = Referral.Risk!.FlaggedAt + options.RiskAcknowledgementWindow;
        var decision = CheckRiskAcknowledgementHandler.Decide(Referral, new CheckRiskAcknowledgement(Id), Clock, options.RiskAcknowledgementWindow);
        return AddAll(decision.Events, Actor.System);
    }

    public DemoStory Acknowledge(TimeSpan after, Actor coordinator, RiskAction action, string note)
    {
        var command = new AcknowledgeRisk(action, note, null) { ReferralId = Id };
        After(after).Require(AcknowledgeRiskHandler.Validate(command, Referral, new AcknowledgeRiskValidator()));
        return AddAll(AcknowledgeRiskHandler.Decide(Referral, command), coordinator);
    }

    public DemoStory Triage(TimeSpan after, Actor coordinator, TriagePriority priority = TriagePriority.Routine, string? note = null)
    {
        var command = new TriageReferral(priority, note, null) { ReferralId = Id };
        After(after).Require(TriageReferralHandler.Validate(command, Referral, new TriageReferralValidator()));
        return AddAll(TriageReferralHandler.Decide(Referral, command), coordinator);
    }

    /// <summary>The demo's own choice of clinician relaxes the matching filters, so only the lifecycle is checked here.</summary>
    public DemoStory Propose(TimeSpan after, Actor coordinator, DemoClinician clinician, string? note = null)
    {
        After(after).Require(Lifecycle.RequireStatus(Referral, "propose a match for", ReferralStatus.AwaitingMatch, ReferralStatus.Waitlisted));
        var command = new ProposeMatch(clinician.Id, note, null, null) { ReferralId = Id };
        return AddAll(ProposeMatchHandler.Decide(Referral, command, DemoClinicians.NextGuid(random), Clock, options.ProposalResponseWindow),
            coordinator);
    }

    public DemoStory Accept(TimeSpan after, DemoClinician clinician, string? note = null)
    {
        var command = new AcceptProposal(note, null) { ReferralId = Id, ProposalId = OpenProposal!.Id, AnsweredBy = clinician.Id };
        After(after).Require(AcceptProposalHandler.Validate(command, Referral, new AcceptProposalValidator(), At(Clock)));
        return AddAll(AcceptProposalHandler.Decide(Referral, command), ClinicianActor(clinician));
    }

    public DemoStory Decline(TimeSpan after, DemoClinician clinician, DeclineReason reason, string? note = null)
    {
        var command = new DeclineProposal(reason, note, null) { ReferralId = Id, ProposalId = OpenProposal!.Id, AnsweredBy = clinician.Id };
        After(after).Require(DeclineProposalHandler.Validate(command, Referral, new DeclineProposalValidator(), At(Clock)));
        return AddAll(DeclineProposalHandler.Decide(Referral, command), ClinicianActor(clinician));
    }

    public DemoStory Expire()
    {
        var open = OpenProposal!;
        Clock = open.ExpiresAt;
        return AddAll(ExpireProposalHandler.Decide(Referral, new ExpireProposal(Id, open.Id), Clock).Events, Actor.System);
    }

    public DemoStory Withdraw(TimeSpan after, Actor coordinator, string reason)
    {
        var command = new WithdrawProposal(reason, null) { ReferralId = Id, ProposalId = OpenProposal!.Id };
        After(after).Require(WithdrawProposalHandler.Validate(command, Referral, new WithdrawProposalValidator()));
        return AddAll(WithdrawProposalHandler.Decide(Referral, command), coordinator);
    }

    public DemoStory Contact(TimeSpan after, Actor coordinator, ContactChannel channel, ContactOutcome outcome, string? note = null)
    {
        var command = new RecordContactAttempt(channel, outcome, note, null) { ReferralId = Id };
        After(after).Require(RecordContactAttemptHandler.Validate(command, Referral, new RecordContactAttemptValidator()));
        return AddAll(RecordContactAttemptHandler.Decide(Referral, command), coordinator);
    }

    /// <summary>Past sessions are booked as they were at the time: only the lifecycle is checked, not the clock.</summary>
    public DemoStory Book(TimeSpan after, Actor coordinator, DateTimeOffset startsAt, SessionFormat format)
    {
        After(after).Require(Lifecycle.RequireStatus(Referral, "book a first session for", ReferralStatus.Accepted));
        var command = new BookFirstSession(startsAt, null, format, null) { ReferralId = Id };
        return AddAll(BookFirstSessionHandler.Decide(Referral, command, DemoClinicians.NextGuid(random)), coordinator);
    }

    public DemoStory Reschedule(TimeSpan after, Actor coordinator, DateTimeOffset startsAt)
    {
        After(after).Require(Lifecycle.RequireStatus(Referral, "reschedule the first session of", ReferralStatus.Booked));
        return AddAll(RescheduleFirstSessionHandler.Decide(Referral, new RescheduleFirstSession(startsAt, null) { ReferralId = Id }), coordinator);
    }

    public DemoStory Cancel(TimeSpan after, Actor coordinator, CancelledBy by, string reason)
    {
        var command = new CancelFirstSession(by, reason, null) { ReferralId = Id };
        After(after).Require(CancelFirstSessionHandler.Validate(command, Referral, new CancelFirstSessionValidator()));
        return AddAll(CancelFirstSessionHandler.Decide(Referral, command), coordinator);
    }

    public DemoStory Attended(Actor coordinator, string? note = null) => Outcome(coordinator, FirstSessionOutcome.Attended, 90, note);

    public DemoStory Missed(Actor coordinator, string? note = null) => Outcome(coordinator, FirstSessionOutcome.NoShow, 60, note);

    public DemoStory Waitlist(TimeSpan after, Actor coordinator, string reason)
    {
        var command = new WaitlistReferral(reason, null) { ReferralId = Id };
        After(after).Require(WaitlistReferralHandler.Validate(command, Referral, new WaitlistReferralValidator()));
        return AddAll(WaitlistReferralHandler.Decide(Referral, command), coordinator);
    }

    public DemoStory CheckInDue(int number)
    {
        Clock = Referral.StatusSince + options.WaitlistCheckInInterval * number;
        var decision = WaitlistCheckInHandler.Decide(Referral, new WaitlistCheckIn(Id, Referral.Waitlistings, number), Clock,
            options.WaitlistCheckInInterval);
        return AddAll(decision.Events, Actor.System);
    }

    public DemoStory Close(TimeSpan after, Actor coordinator, ClosureOutcome outcome, string? note = null)
    {
        if (OpenProposal is not null) throw new InvalidOperationException("Demo data closes referrals without an open proposal.");
        var command = new CloseReferral(outcome, note, null) { ReferralId = Id };
        After(after).Require(CloseReferralHandler.Validate(command, Referral, new CloseReferralValidator()));
        return AddAll(CloseReferralHandler.Decide(Referral, command), coordinator);
    }

    private DemoStory Outcome(Actor coordinator, FirstSessionOutcome outcome, int minutesAfterEnd, string? note)
    {
        var session = Referral.FirstSession!;
        Clock = session.EndsAt.AddMinutes(minutesAfterEnd);
        var command = new RecordFirstSessionOutcome(outcome, note, null) { ReferralId = Id };
        Require(RecordFirstSessionOutcomeHandler.Validate(command, Referral, new RecordFirstSessionOutcomeValidator(), At(Clock)));
        return AddAll(RecordFirstSessionOutcomeHandler.Decide(Referral, command), coordinator);
    }

    /// <summary>The command's own refusal, as an error in the demo script.</summary>
    private void Require(ProblemDetails? problem)
    {
        if (problem is not null && !ReferenceEquals(problem, Problems.NoProblems))
            throw new InvalidOperationException($"Demo story for {Id} at {Status}: {problem.Detail ?? problem.Title}");
    }

    private DemoStory After(TimeSpan delay)
    {
        Clock += delay;
        return this;
    }

    private DemoStory AddAll(IEnumerable<object> events, Actor actor)
    {
        foreach (var e in events) Add(e, actor);
        return this;
    }

    private void Add(object data, Actor actor, string? correlation = null)
    {
        var wrapper = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        wrapper.Timestamp = Clock;
        wrapper.CorrelationId = correlation ?? NextId();
        wrapper.CausationId = NextId();
        wrapper.UserName = actor.Sub;
        wrapper.SetHeader(Actor.SubHeader, actor.Sub);
        wrapper.SetHeader(Actor.NameHeader, actor.Name);
        wrapper.SetHeader(Actor.RoleHeader, actor.Role);
        wrapper.StreamId = Id;
        _events.Add(wrapper);
        Referral = Referral.Fold(_events.Count == 1 ? null : Referral, wrapper);
    }

    /// <summary>A trace-id-like hex string from the seeded generator, so reruns give the same ids.</summary>
    private string NextId() => Convert.ToHexStringLower(DemoClinicians.NextGuid(random).ToByteArray());

    private static TimeProvider At(DateTimeOffset now) => new FixedClock(now);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public static Actor ClinicianActor(DemoClinician clinician) => new(clinician.Sub, clinician.Profile.Name, Roles.Clinician);
}
