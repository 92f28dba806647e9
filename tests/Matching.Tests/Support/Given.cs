using System.Security.Claims;
using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Support;

/// <summary>
/// A referral's history for decision tests, with no database: events are folded through the
/// aggregate's own Create/Apply, one minute apart from <see cref="Start"/>.
/// </summary>
public sealed record Given(Guid ReferralId, IReadOnlyList<object> Events)
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);

    public static readonly Guid ClinicianA = Guid.Parse("0195a000-0000-7000-8000-00000000000a");
    public static readonly Guid ClinicianB = Guid.Parse("0195a000-0000-7000-8000-00000000000b");
    public static readonly Guid ProposalA = Guid.Parse("0195a000-0000-7000-8000-0000000000a1");
    public static readonly Guid ProposalB = Guid.Parse("0195a000-0000-7000-8000-0000000000b1");
    public static readonly Guid SessionA = Guid.Parse("0195a000-0000-7000-8000-0000000000c1");

    /// <summary>A clock an hour after <see cref="Start"/>, inside every proposal's response window.</summary>
    public static readonly TimeProvider Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start.AddHours(1));

    /// <summary>When the booked first session of <see cref="Booked"/> starts.</summary>
    public static readonly DateTimeOffset SessionStart = Start.AddDays(7);

    public static Given Submitted(bool urgent = false)
    {
        var intake = urgent ? Samples.UrgentIntake() : Samples.Intake();
        object[] events = urgent
            ? [new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), DateOnly.FromDateTime(Start.UtcDateTime), AgeGroup.Adult), new RiskFlagged(SelfHarmAnswer.SeveralDays)]
            : [new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), DateOnly.FromDateTime(Start.UtcDateTime), AgeGroup.Adult)];
        return new Given(Guid.Parse("0195a000-0000-7000-8000-000000000001"), events);
    }

    public Given Then(params object[] more) => this with { Events = [..Events, ..more] };

    public Given RiskAcknowledged() => Then(new RiskAcknowledged(RiskAction.ContactedClient, "Called; safe with family."));
    public Given Triaged() => Then(new ReferralTriaged(TriagePriority.Routine, null));
    public Given Waitlisted() => Then(new ReferralWaitlisted("No openings this month."));

    public Given Proposed(Guid? clinicianId = null, Guid? proposalId = null) =>
        Then(new MatchProposed(proposalId ?? ProposalA, clinicianId ?? ClinicianA, Start.AddDays(3), null, null, null));

    public Given Accepted(Guid? proposalId = null) =>
        Then(new ProposalAccepted(proposalId ?? ProposalA, Referral.OpenProposal!.ClinicianId, null));

    public Given Declined(Guid? proposalId = null) =>
        Then(new ProposalDeclined(proposalId ?? ProposalA, Referral.OpenProposal!.ClinicianId, DeclineReason.NotAFit, null));

    public Given Expired(Guid? proposalId = null) =>
        Then(new ProposalExpired(proposalId ?? ProposalA, Referral.OpenProposal!.ClinicianId));

    public Given Withdrawn(Guid? proposalId = null) =>
        Then(new ProposalWithdrawn(proposalId ?? ProposalA, Referral.OpenProposal!.ClinicianId, "Client asked for someone else."));

    public Given Booked(Guid? sessionId = null) =>
        Then(new FirstSessionBooked(sessionId ?? SessionA, Referral.AcceptedProposal!.ClinicianId, SessionStart, 50, SessionFormat.Telehealth));

    public Given Missed() => Then(new FirstSessionMissed(Referral.FirstSession!.Id, Referral.FirstSession.ClinicianId, null));
    public Given Attended() => Then(new FirstSessionAttended(Referral.FirstSession!.Id, Referral.FirstSession.ClinicianId, null));
    public Given Closed(ClosureOutcome outcome = ClosureOutcome.Withdrawn) => Then(new ReferralClosed(outcome, null, Referral.ClinicianId));

    /// <summary>The state after every event so far.</summary>
    public Referral Referral => Fold(ReferralId, Events);

    /// <summary>The state after the given events followed by the decided ones: checks the decision folds cleanly.</summary>
    public Referral After(IEnumerable<object> decided) => Fold(ReferralId, [..Events, ..decided]);

    public static Referral Fold(Guid streamId, IEnumerable<object> events)
    {
        Referral? state = null;
        long version = 0;
        foreach (var data in events)
        {
            version++;
            var type = data.GetType();
            var wrapped = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(type), data)!;
            wrapped.StreamId = streamId;
            wrapped.Version = version;
            wrapped.Timestamp = Start.AddMinutes(version);

            if (state is null)
            {
                state = Referral.Create((IEvent<IntakeSubmitted>)wrapped);
                continue;
            }

            var wrappedType = typeof(IEvent<>).MakeGenericType(type);
            var apply = typeof(Referral).GetMethods().Single(m => m.Name == nameof(Referral.Apply)
                && m.GetParameters() is [var p] && (p.ParameterType == type || p.ParameterType == wrappedType));
            state = (Referral)apply.Invoke(state, [apply.GetParameters()[0].ParameterType == type ? data : wrapped])!;
        }

        state!.Version = version;
        return state;
    }

    public static ClaimsPrincipal ClinicianUser(Guid clinicianId) => new(new ClaimsIdentity(
        [new Claim("sub", "clinician"), new Claim("role", Roles.Clinician), new Claim(Policies.ClinicianIdClaim, clinicianId.ToString())],
        "test", "name", "role"));
}

/// <summary>Assertions on what a Validate method answered.</summary>
public static class ProblemAssertions
{
    public static void ShouldBeAllowed(this ProblemDetails problem) =>
        ReferenceEquals(problem, WolverineContinue.NoProblems).ShouldBeTrue($"{problem.Status} {problem.Title} {problem.Detail}");

    public static void ShouldBeInvalid(this ProblemDetails problem, string field)
    {
        problem.Status.ShouldBe(400, problem.Detail);
        problem.ShouldBeOfType<HttpValidationProblemDetails>().Errors.Keys.ShouldContain(field);
    }

    public static void ShouldBeConflict(this ProblemDetails problem, string? code = null)
    {
        problem.Status.ShouldBe(409, problem.Title);
        if (code is not null) problem.Extensions["code"].ShouldBe(code, problem.Detail);
    }

    public static void ShouldBeNotFound(this ProblemDetails problem) => problem.Status.ShouldBe(404, problem.Detail);
}
