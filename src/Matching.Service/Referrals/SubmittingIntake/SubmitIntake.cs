using System.Text.Json;
using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Matching.Service.Referrals.Escalating;
using Wolverine;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.SubmittingIntake;

public sealed record CrisisResource(string Name, string Contact);

/// <summary>201 for a new referral; 200 with the first referral for a repeat (<see cref="Repeat"/>, not part of the answer's body).</summary>
public sealed record IntakeAccepted(
    Guid ReferralId,
    long Version,
    ReferralStatus Status,
    bool Urgent,
    IReadOnlyList<CrisisResource>? CrisisResources) : IAnswer
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Repeat { get; init; }
}

/// <summary>The public intake form as a command: the answers, and the Idempotency-Key that makes sending it twice safe.</summary>
public sealed record SubmitIntake(Intake? Intake, string? IdempotencyKey) : ICommand<IntakeAccepted>;

public static class SubmitIntakeHandler
{
    public static readonly IReadOnlyList<CrisisResource> CrisisResources =
    [
        new("988 Suicide & Crisis Lifeline", "Call or text 988 (US), or chat at 988lifeline.org"),
        new("Emergency services", "Call 911 if you are in immediate danger")
    ];

    public static ProblemDetails Validate(SubmitIntake command, IValidator<Intake> validator) =>
        command.IdempotencyKey is { Length: > SubmitIntakeEndpoint.MaxIdempotencyKeyLength }
            ? Problems.Invalid(SubmitIntakeEndpoint.IdempotencyKeyHeader, $"At most {SubmitIntakeEndpoint.MaxIdempotencyKeyLength} characters.")
            : Problems.Check(validator, command.Intake) ?? Problems.NoProblems;

    /// <summary>
    /// What the referral keeps of a validated intake, in the event's own records: every answer as given, non-null where
    /// the validator requires one.
    /// </summary>
    public static ReferralIntake Kept(Intake intake)
    {
        var client = intake.Client!;
        var payment = intake.Payment!;
        return new ReferralIntake(
            new IntakeClient(client.FirstName!, client.LastName!, client.Email, client.Phone, client.DateOfBirth, client.State!,
                client.PostalCode, client.Pronouns),
            intake.SessionType!.Value,
            [..intake.Concerns!],
            intake.PreferredModalities is { } modalities ? [..modalities] : null,
            intake.Format!.Value,
            new IntakePayment(payment.Method!.Value, payment.Payer, payment.MemberId, payment.MaxSessionRate),
            [..intake.Languages!],
            intake.ClinicianPreferences is { } p ? new IntakePreferences(p.Gender, p.LgbtqAffirming, p.BipocAffirming) : null,
            intake.Availability?.Select(w => w.AsWeekly()).ToList(),
            new IntakeSafety(intake.Safety!.ThoughtsOfSelfHarm!.Value),
            intake.InterestedInKetamineAssistedTherapy,
            intake.Notes,
            new IntakeConsent(intake.Consent!.Contact!.Value, intake.Consent.PrivacyNoticeAccepted!.Value));
    }

    /// <summary>The decision: a new referral's first events. Urgent when the safety answer is not "not at all".</summary>
    public static object[] Decide(Intake intake, DateOnly intakeDate)
    {
        var age = AgeGroups.AgeOn(intake.Client!.DateOfBirth!.Value, intakeDate);
        var submitted = new IntakeSubmitted(Kept(intake), intakeDate, AgeGroups.ForAge(age));
        return intake.IsUrgent
            ? [submitted, new RiskFlagged(intake.Safety!.ThoughtsOfSelfHarm!.Value)]
            : [submitted];
    }

    /// <summary>
    /// A new referral, or, for an Idempotency-Key already used, the first referral again when the intake is the same and
    /// a 422 that says nothing of it when it is not (docs/adr/0024-idempotency-key-bound-to-the-intake.md). It saves
    /// itself: a duplicate key loses on the stream's primary key, and the loser answers with what the winner created.
    /// </summary>
    [NonTransactional]
    public static async Task<IAnswer> Handle(
        SubmitIntake command, IDocumentSession session, IMessageContext bus, TimeProvider time, MatchingOptions options, CancellationToken cancellation)
    {
        var intake = command.Intake!;
        var key = string.IsNullOrWhiteSpace(command.IdempotencyKey) ? null : command.IdempotencyKey;
        var referralId = key is null ? Guid.CreateVersion7() : StreamIdFor(key);

        if (key is not null && await session.LoadAsync<Referral>(referralId, cancellation) is { } earlier)
            return Repeat(earlier, intake);

        var events = Decide(intake, options.PracticeDate(time.GetUtcNow()));
        session.Events.StartStream<Referral>(referralId, events);
        // The session is enlisted in Wolverine's outbox: the check is stored in the same transaction
        // as the events, so a failed or duplicate save schedules nothing.
        if (events.OfType<RiskFlagged>().Any())
            await bus.ScheduleAsync(new CheckRiskAcknowledgement(referralId), options.RiskAcknowledgementWindow);
        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (Exception e) when (key is not null && DatabaseFailures.Classify(e) is DatabaseFailure.StreamExists or DatabaseFailure.Duplicate)
        {
            // The same key sent at the same moment: the other request created it.
            await using var query = session.DocumentStore.QuerySession();
            return Repeat((await query.LoadAsync<Referral>(referralId, cancellation))!, intake);
        }

        return new IntakeAccepted(referralId, events.Length, Referral.StatusAfter(events[0])!.Value, intake.IsUrgent,
            intake.IsUrgent ? CrisisResources : null);
    }

    /// <summary>The first referral again for the same intake; for another intake under the same key, nothing of it.</summary>
    private static IAnswer Repeat(Referral referral, Intake intake) =>
        Canonical(referral.Intake) == Canonical(Kept(intake))
            ? new IntakeAccepted(referral.Id, referral.Version, referral.Status, referral.Urgent, referral.Risk is not null ? CrisisResources : null)
            {
                Repeat = true
            }
            : new Refused(KeyReused);

    /// <summary>422: the key was already used for another intake (the first referral's id and status stay undisclosed).</summary>
    public static ProblemDetails KeyReused => new()
    {
        Status = StatusCodes.Status422UnprocessableEntity,
        Title = "This Idempotency-Key was already used for a different intake.",
        Detail = "Send a new key with a new intake; repeat a key only to send the same intake again.",
        Type = "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        Extensions = { ["code"] = "idempotencyKeyReused" }
    };

    /// <summary>
    /// The intake as the referral keeps it, as JSON (properties in declaration order, enums as names): two intakes are the
    /// same request when these match. The first is the one kept in the referral's snapshot, so nothing else needs keeping.
    /// </summary>
    private static string Canonical(ReferralIntake intake) => JsonSerializer.Serialize(intake, ServiceSetup.Conventions);

    /// <summary>The same key always names the same referral stream.</summary>
    public static Guid StreamIdFor(string idempotencyKey) => Uuids.NameBased("intake:" + idempotencyKey);
}

public static class SubmitIntakeEndpoint
{
    public const string RateLimitPolicy = "intake";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;

    [WolverinePost("/api/intake"), AllowAnonymous, EnableRateLimiting(RateLimitPolicy)]
    [ProducesResponseType<IntakeAccepted>(201), ProducesResponseType<IntakeAccepted>(200), ProducesResponseType<ProblemDetails>(422)]
    public static async Task<IResult> Post(
        Intake intake, [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey, IMessageBus bus, CancellationToken cancellation)
    {
        var answer = await bus.AskAsync(new SubmitIntake(intake, idempotencyKey), cancellation);
        return answer switch
        {
            { Problem: { } problem } => Results.Problem(problem),
            { Result: { Repeat: true } repeat } => Results.Json(repeat),
            { Result: var accepted } => Results.Created($"/api/referrals/{accepted!.ReferralId}", accepted)
        };
    }
}

/// <summary>Validates an intake against the practice's date today.</summary>
public sealed class IntakeValidator : AbstractValidator<Intake>
{
    public IntakeValidator(TimeProvider time, MatchingOptions options)
    {
        RuleFor(x => x.Client).NotNull().WithMessage("Tell us who you are.");
        When(x => x.Client is not null, () =>
        {
            RuleFor(x => x.Client!.FirstName).NotEmpty().MaximumLength(100).OverridePropertyName("client.firstName");
            RuleFor(x => x.Client!.LastName).NotEmpty().MaximumLength(100).OverridePropertyName("client.lastName");
            RuleFor(x => x.Client!.Email).EmailAddress().MaximumLength(254).OverridePropertyName("client.email")
                .When(x => !string.IsNullOrEmpty(x.Client!.Email));
            RuleFor(x => x.Client!.Phone).Matches(@"^[0-9+()\-. ]{7,25}$").OverridePropertyName("client.phone")
                .WithMessage("Give a phone number of digits, spaces and + ( ) - .")
                .When(x => !string.IsNullOrEmpty(x.Client!.Phone));
            RuleFor(x => x.Client).Must(c => !string.IsNullOrWhiteSpace(c!.Email) || !string.IsNullOrWhiteSpace(c.Phone))
                .OverridePropertyName("client.email").WithMessage("Give an email address or a phone number so we can reach you.");
            RuleFor(x => x.Client!.DateOfBirth).NotNull().OverridePropertyName("client.dateOfBirth")
                .Must(d => d is null || IsPlausibleBirthDate(d.Value, options.PracticeDate(time.GetUtcNow())))
                .WithMessage("Give a date of birth in the past, less than 120 years ago.");
            RuleFor(x => x.Client!.State).Must(UsStates.IsValid).OverridePropertyName("client.state")
                .WithMessage("Give a US state as its two-letter code, such as CO.");
            RuleFor(x => x.Client!.PostalCode).Matches(@"^\d{5}(-\d{4})?$").OverridePropertyName("client.postalCode")
                .When(x => !string.IsNullOrEmpty(x.Client!.PostalCode));
            RuleFor(x => x.Client!.Pronouns).MaximumLength(40).OverridePropertyName("client.pronouns");
        });
        RuleFor(x => x.SessionType).NotNull();
        RuleFor(x => x.Concerns).NotEmpty().WithMessage("Choose at least one thing you'd like help with.")
            .AtMost(InputLimits.Vocabulary<Concern>());
        RuleFor(x => x.PreferredModalities).AtMost(InputLimits.Vocabulary<Modality>());
        RuleFor(x => x.Format).NotNull();
        RuleFor(x => x.Payment).NotNull();
        When(x => x.Payment is not null, () =>
        {
            RuleFor(x => x.Payment!.Method).NotNull().OverridePropertyName("payment.method");
            RuleFor(x => x.Payment!.Payer).NotEmpty().MaximumLength(100).OverridePropertyName("payment.payer")
                .When(x => x.Payment!.Method == PaymentMethod.Insurance);
            RuleFor(x => x.Payment!.MemberId).NotEmpty().MaximumLength(64).OverridePropertyName("payment.memberId")
                .When(x => x.Payment!.Method == PaymentMethod.Insurance);
            RuleFor(x => x.Payment!.MaxSessionRate).NotNull().GreaterThan(0).LessThanOrEqualTo(10_000)
                .OverridePropertyName("payment.maxSessionRate")
                .When(x => x.Payment!.Method == PaymentMethod.SelfPay);
        });
        RuleFor(x => x.Languages).NotEmpty().WithMessage("Name at least one language you'd like sessions in.")
            .AtMost(InputLimits.Languages);
        RuleForEach(x => x.Languages).NotEmpty().MaximumLength(40);
        this.WeeklyAvailability(x => x.Availability);
        RuleFor(x => x.Safety).NotNull().WithMessage("Please answer the safety question.");
        // Nested rules sit in When blocks on their parent's presence: the API document reads them as required members.
        When(x => x.Safety is not null, () =>
            RuleFor(x => x.Safety!.ThoughtsOfSelfHarm).NotNull().OverridePropertyName("safety.thoughtsOfSelfHarm"));
        RuleFor(x => x.Notes).MaximumLength(4000);
        RuleFor(x => x.Consent).NotNull();
        When(x => x.Consent is not null, () =>
        {
            RuleFor(x => x.Consent!.Contact).Equal(true).OverridePropertyName("consent.contact")
                .WithMessage("We need your permission to contact you.");
            RuleFor(x => x.Consent!.PrivacyNoticeAccepted).Equal(true).OverridePropertyName("consent.privacyNoticeAccepted")
                .WithMessage("Please accept the privacy notice.");
        });
    }

    private static bool IsPlausibleBirthDate(DateOnly birth, DateOnly today) => birth < today && AgeGroups.AgeOn(birth, today) < 120;
}
