using System.Text.Json;
using FluentValidation;
using Marten;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Matching.Service.Notifications;
using Matching.Service.Referrals.ClientLink;
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

/// <summary>
/// The public intake form as a command: the answers, and the Idempotency-Key that makes sending it twice safe.
/// <see cref="Partner"/>: the partner organization that sent it over FHIR, recorded in an event of its own.
/// </summary>
public sealed record SubmitIntake(Intake? Intake, string? IdempotencyKey, Fhir.PartnerReferralReceived? Partner = null) : ICommand<IntakeAccepted>;

public static class SubmitIntakeHandler
{
    public static readonly IReadOnlyList<CrisisResource> CrisisResources =
    [
        new("988 Suicide & Crisis Lifeline", "Call or text 988 (US), or chat at 988lifeline.org"),
        new("Emergency services", "Call 911 if you are in immediate danger")
    ];

    public static ProblemDetails Validate(SubmitIntake command, IValidator<Intake> validator) => command.IdempotencyKey switch
    {
        { Length: > SubmitIntakeEndpoint.MaxIdempotencyKeyLength } =>
            Problems.Invalid(SubmitIntakeEndpoint.IdempotencyKeyHeader, $"At most {SubmitIntakeEndpoint.MaxIdempotencyKeyLength} characters."),
        // A partner's referral is keyed by its organization and identifier; a form's key can't claim one ahead of it.
        { } key when command.Partner is null && key.StartsWith(Fhir.FhirIntake.IdempotencyKeyPrefix, StringComparison.Ordinal) =>
            Problems.Invalid(SubmitIntakeEndpoint.IdempotencyKeyHeader, $"Keys starting with \"{Fhir.FhirIntake.IdempotencyKeyPrefix}\" are kept for referrals from partner systems."),
        _ => Problems.Check(validator, command.Intake) ?? Problems.NoProblems
    };

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
            new IntakeConsent(intake.Consent!.Contact!.Value, intake.Consent.PrivacyNoticeAccepted!.Value,
                intake.Consent.TextMessagesOk == true));
    }

    /// <summary>
    /// The decision: a new referral's first events. Urgent when the safety answer is not "not at all". A partner's referral
    /// records where it came from right after the intake.
    /// </summary>
    public static object[] Decide(Intake intake, DateOnly intakeDate, Fhir.PartnerReferralReceived? partner = null)
    {
        var age = AgeGroups.AgeOn(intake.Client!.DateOfBirth!.Value, intakeDate);
        var submitted = new IntakeSubmitted(Kept(intake), intakeDate, AgeGroups.ForAge(age));
        object[] source = partner is null ? [] : [partner];
        object[] risk = intake.IsUrgent ? [new RiskFlagged(intake.Safety!.ThoughtsOfSelfHarm!.Value)] : [];
        return [submitted, ..source, ..risk];
    }

    /// <summary>
    /// A new referral, or, for an Idempotency-Key already used, the first referral again when the intake is the same and
    /// a 422 that says nothing of it when it is not (docs/adr/0024-idempotency-key-bound-to-the-intake.md). It saves
    /// itself: a duplicate key loses on the stream's primary key, and the loser answers with what the winner created.
    /// </summary>
    [NonTransactional]
    public static async Task<IAnswer> Handle(
        SubmitIntake command, IDocumentSession session, IMessageContext bus, TimeProvider time, MatchingOptions options,
        ClientLinkSealer sealer, CancellationToken cancellation)
    {
        var intake = command.Intake!;
        var key = string.IsNullOrWhiteSpace(command.IdempotencyKey) ? null : command.IdempotencyKey;
        var referralId = key is null ? Guid.CreateVersion7() : StreamIdFor(key);

        if (key is not null && await session.LoadAsync<Referral>(referralId, cancellation) is { } earlier)
            return Repeat(earlier, intake, command.Partner);

        var now = time.GetUtcNow();
        var decided = Decide(intake, options.PracticeDate(now), command.Partner);
        // The client's first link, issued with the referral: its key is stored and its event appended in this transaction.
        var link = ClientLinks.Issue(referralId, now, options.ClientLinkLifetime, replacesEarlier: false);
        ClientLinks.Keep(session, link);
        object[] events = [..decided, link.Issued];
        session.Events.StartStream<Referral>(referralId, events);
        // The session is enlisted in Wolverine's outbox: the check and the confirmation are stored in the same transaction
        // as the events, so a failed or duplicate save schedules and sends nothing.
        if (events.OfType<RiskFlagged>().Any())
            await bus.ScheduleAsync(new CheckRiskAcknowledgement(referralId), options.RiskAcknowledgementWindow);
        foreach (var confirmation in IntakeConfirmation.For(referralId, ((IntakeSubmitted)decided[0]).Intake, link, sealer))
            await bus.PublishAsync(confirmation);
        try
        {
            await session.SaveChangesAsync(cancellation);
        }
        catch (Exception e) when (key is not null && DatabaseFailures.Classify(e) is DatabaseFailure.StreamExists or DatabaseFailure.Duplicate)
        {
            // The same key sent at the same moment: the other request created it.
            await using var query = session.DocumentStore.QuerySession();
            return Repeat((await query.LoadAsync<Referral>(referralId, cancellation))!, intake, command.Partner);
        }

        return new IntakeAccepted(referralId, events.Length, Referral.StatusAfter(events[0])!.Value, intake.IsUrgent,
            intake.IsUrgent ? CrisisResources : null);
    }

    /// <summary>
    /// The first referral again for the same intake from the same source; for another intake (or a form's key that happens
    /// to match a partner's) under the same key, nothing of it.
    /// </summary>
    private static IAnswer Repeat(Referral referral, Intake intake, Fhir.PartnerReferralReceived? partner) =>
        Canonical(referral.Intake) == Canonical(Kept(intake))
        && referral.Partner?.Organization == partner?.Organization && referral.Partner?.RequestIdentifier == partner?.RequestIdentifier
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

/// <summary>
/// Validates an intake against the practice's date today. The messages are what the person filling in the form reads,
/// beside the field and in the page's summary, so they speak as the practice does and never name a field's path.
/// </summary>
public sealed class IntakeValidator : AbstractValidator<Intake>
{
    public IntakeValidator(TimeProvider time, MatchingOptions options)
    {
        RuleFor(x => x.Client).NotNull().WithMessage("Please tell us a little about yourself: your name, date of birth and state.");
        When(x => x.Client is not null, () =>
        {
            RuleFor(x => x.Client!.FirstName).NotEmpty().WithMessage("Please enter your first name.")
                .MaximumLength(100).WithMessage("Please keep your first name to 100 characters.").OverridePropertyName("client.firstName");
            RuleFor(x => x.Client!.LastName).NotEmpty().WithMessage("Please enter your last name.")
                .MaximumLength(100).WithMessage("Please keep your last name to 100 characters.").OverridePropertyName("client.lastName");
            RuleFor(x => x.Client!.Email).ContactEmail().OverridePropertyName("client.email")
                .When(x => !string.IsNullOrEmpty(x.Client!.Email));
            RuleFor(x => x.Client!.Phone).ContactPhone().OverridePropertyName("client.phone")
                .When(x => !string.IsNullOrEmpty(x.Client!.Phone));
            RuleFor(x => x.Client).Must(c => !string.IsNullOrWhiteSpace(c!.Email) || !string.IsNullOrWhiteSpace(c.Phone))
                .OverridePropertyName("client.email").WithMessage(ContactRules.Unreachable);
            RuleFor(x => x.Client!.DateOfBirth).NotNull().WithMessage("Please enter your date of birth.").OverridePropertyName("client.dateOfBirth")
                .Must(d => d is null || IsPlausibleBirthDate(d.Value, options.PracticeDate(time.GetUtcNow())))
                .WithMessage("Please check your date of birth: it should be a date in the past, less than 120 years ago.");
            RuleFor(x => x.Client!.State).Must(UsStates.IsValid).OverridePropertyName("client.state")
                .WithMessage("Please choose the US state you live in (its two-letter code, such as CO).");
            RuleFor(x => x.Client!.PostalCode).Matches(@"^\d{5}(-\d{4})?$").OverridePropertyName("client.postalCode")
                .WithMessage("Please enter a five-digit ZIP code, such as 80202, or leave it blank.")
                .When(x => !string.IsNullOrEmpty(x.Client!.PostalCode));
            RuleFor(x => x.Client!.Pronouns).MaximumLength(40).WithMessage("Please keep your pronouns to 40 characters.")
                .OverridePropertyName("client.pronouns");
        });
        RuleFor(x => x.SessionType).NotNull().WithMessage("Please tell us who the therapy is for: you, a couple or a family.");
        RuleFor(x => x.Concerns).NotEmpty().WithMessage("Please choose at least one thing you'd like help with.")
            .AtMost(InputLimits.Vocabulary<Concern>());
        RuleFor(x => x.PreferredModalities).AtMost(InputLimits.Vocabulary<Modality>());
        RuleFor(x => x.Format).NotNull().WithMessage("Please choose how you'd like to meet: in person, online, or either.");
        RuleFor(x => x.Payment).NotNull().WithMessage("Please tell us how you'll pay: with insurance or by paying yourself.");
        When(x => x.Payment is not null, () =>
        {
            RuleFor(x => x.Payment!.Method).NotNull().WithMessage("Please tell us how you'll pay: with insurance or by paying yourself.")
                .OverridePropertyName("payment.method");
            RuleFor(x => x.Payment!.Payer).NotEmpty().WithMessage("Please enter the name of your insurance company.")
                .MaximumLength(100).WithMessage("Please keep the insurance company's name to 100 characters.")
                .OverridePropertyName("payment.payer")
                .When(x => x.Payment!.Method == PaymentMethod.Insurance);
            RuleFor(x => x.Payment!.MemberId).NotEmpty().WithMessage("Please enter your member ID. It's usually on your insurance card.")
                .MaximumLength(64).WithMessage("Please keep your member ID to 64 characters.")
                .OverridePropertyName("payment.memberId")
                .When(x => x.Payment!.Method == PaymentMethod.Insurance);
            RuleFor(x => x.Payment!.MaxSessionRate).NotNull().WithMessage("Please enter the most you can pay for a session, in dollars.")
                .GreaterThan(0).WithMessage("Please enter an amount of at least $1.")
                .LessThanOrEqualTo(10_000).WithMessage("Please enter an amount of $10,000 or less.")
                .OverridePropertyName("payment.maxSessionRate")
                .When(x => x.Payment!.Method == PaymentMethod.SelfPay);
        });
        RuleFor(x => x.Languages).NotEmpty().WithMessage("Please name at least one language you'd like sessions in.")
            .AtMost(InputLimits.Languages);
        RuleForEach(x => x.Languages).NotEmpty().WithMessage("Please name each language, separated by commas.")
            .MaximumLength(40).WithMessage("Please keep each language's name to 40 characters.");
        this.WeeklyAvailability(x => x.Availability);
        RuleFor(x => x.Safety).NotNull().WithMessage("Please answer the question about your safety.");
        // Nested rules sit in When blocks on their parent's presence: the API document reads them as required members.
        When(x => x.Safety is not null, () =>
            RuleFor(x => x.Safety!.ThoughtsOfSelfHarm).NotNull().WithMessage("Please answer the question about your safety.")
                .OverridePropertyName("safety.thoughtsOfSelfHarm"));
        RuleFor(x => x.Notes).MaximumLength(4000).WithMessage("Please keep this to 4,000 characters. You can tell the coordinator more when they reach you.");
        RuleFor(x => x.Consent).NotNull().WithMessage("Please tick both boxes under \"Your permission\".");
        When(x => x.Consent is not null, () =>
        {
            RuleFor(x => x.Consent!.Contact).Equal(true).OverridePropertyName("consent.contact")
                .WithMessage("Please tick the box to let us contact you. We need it to help you find a clinician.");
            RuleFor(x => x.Consent!.PrivacyNoticeAccepted).Equal(true).OverridePropertyName("consent.privacyNoticeAccepted")
                .WithMessage("Please read the privacy notice and tick the box to say you have.");
        });
    }

    private static bool IsPlausibleBirthDate(DateOnly birth, DateOnly today) => birth < today && AgeGroups.AgeOn(birth, today) < 120;
}

/// <summary>
/// How a client's email address and phone number are checked, and what they read when one is wrong: the same on the
/// intake form and when the client corrects them on their link.
/// </summary>
public static class ContactRules
{
    public const string Unreachable = "Please give an email address or a phone number, so we can reach you.";

    public static IRuleBuilderOptions<T, string?> ContactEmail<T>(this IRuleBuilder<T, string?> rule) =>
        rule.EmailAddress().WithMessage("Please enter an email address like name@example.com.")
            .MaximumLength(254).WithMessage("Please keep your email address to 254 characters.");

    public static IRuleBuilderOptions<T, string?> ContactPhone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches(@"^[0-9+()\-. ]{7,25}$")
            .WithMessage("Please enter a phone number using digits, spaces and + ( ) - . only, such as 303 555 0100.");
}
