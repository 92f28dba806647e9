using FluentValidation;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ContactAttempts;

public sealed record RecordContactAttempt(ContactChannel? Channel, ContactOutcome? Outcome, string? Note, int? ExpectedVersion)
    : IReferralCommand, ICommand<ReferralCommandResult>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

public sealed class RecordContactAttemptValidator : AbstractValidator<RecordContactAttempt>
{
    public RecordContactAttemptValidator()
    {
        RuleFor(x => x.Channel).NotNull().WithMessage("Choose phone, email or sms.");
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose reached, leftMessage or noAnswer.");
        RuleFor(x => x.Note).MaximumLength(4000);
    }
}

public static class RecordContactAttemptHandler
{
    public static ProblemDetails Validate(RecordContactAttempt command, Referral? referral, IValidator<RecordContactAttempt> validator) =>
        Problems.FirstOf(
            () => Problems.Check(validator, command),
            () => Lifecycle.Exists(referral),
            () => Lifecycle.Stale(referral!, command),
            () => Allowed(referral!));

    /// <summary>Whether the referral's state allows the command at all, whatever its input: the page offers the action only then.</summary>
    public static ProblemDetails Allowed(Referral referral) => Lifecycle.RequireOpen(referral, "record a contact attempt on");

    public static object[] Decide(Referral referral, RecordContactAttempt command) =>
        [new ContactAttempted(command.Channel!.Value, command.Outcome!.Value, command.Note)];

    public static (ReferralCommandResult, Events) Handle(RecordContactAttempt command, [WriteAggregate(Required = false)] Referral referral) =>
        ReferralCommandResult.With(referral, Decide(referral, command));
}

public static class RecordContactAttemptEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/contact-attempts"), Authorize(Policy = Policies.Coordination)]
    public static Task<HttpAnswer<ReferralCommandResult>> Post(Guid referralId, RecordContactAttempt command, IMessageBus bus, CancellationToken cancellation) =>
        bus.AnswerHttpAsync(command with { ReferralId = referralId }, cancellation);
}
