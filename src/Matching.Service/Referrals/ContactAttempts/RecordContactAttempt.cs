using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ContactAttempts;

public sealed record RecordContactAttempt(ContactChannel? Channel, ContactOutcome? Outcome, string? Note, int? ExpectedVersion)
    : IReferralCommand;

public sealed class RecordContactAttemptValidator : AbstractValidator<RecordContactAttempt>
{
    public RecordContactAttemptValidator()
    {
        RuleFor(x => x.Channel).NotNull().WithMessage("Choose phone, email or sms.");
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose reached, leftMessage or noAnswer.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public static class RecordContactAttemptEndpoint
{
    private static readonly RecordContactAttemptValidator Validator = new();

    public static ProblemDetails Validate(RecordContactAttempt command, Referral referral) => Problems.FirstOf(
        () => Problems.Check(Validator, command),
        () => Lifecycle.Stale(referral, command),
        () => Lifecycle.RequireOpen(referral, "record a contact attempt on"));

    public static object[] Decide(Referral referral, RecordContactAttempt command) =>
        [new ContactAttempted(command.Channel!.Value, command.Outcome!.Value, command.Note)];

    [WolverinePost("/api/referrals/{referralId}/contact-attempts"), Authorize(Policy = Policies.Coordination)]
    public static (ReferralCommandResult, Events) Post(RecordContactAttempt command, [WriteAggregate("referralId")] Referral referral)
    {
        var events = Decide(referral, command);
        return (ReferralCommandResult.After(referral, events, referral.Status), new Events(events));
    }
}
