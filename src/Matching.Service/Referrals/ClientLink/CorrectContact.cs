using FluentValidation;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.SubmittingIntake;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>
/// The client corrects how to reach them, on their link. A member left out stays as it is; an empty email or phone
/// removes it, as long as the other remains.
/// </summary>
public sealed record CorrectContact(string? Email, string? Phone, bool? TextMessagesOk) : ICommand<ClientContactAnswer>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>
/// How the practice will reach the client now. <see cref="Changed"/> is false when the request matched what was already
/// held: nothing is recorded then, and the answer is still 200 (sending a form twice is not a mistake).
/// </summary>
public sealed record ClientContactAnswer(string? Email, string? Phone, bool TextMessagesOk, bool Changed) : IAnswer;

public sealed class CorrectContactValidator : AbstractValidator<CorrectContact>
{
    public CorrectContactValidator()
    {
        RuleFor(x => x.Email).ContactEmail().When(x => !string.IsNullOrWhiteSpace(x.Email));
        RuleFor(x => x.Phone).ContactPhone().When(x => !string.IsNullOrWhiteSpace(x.Phone));
    }
}

public static class CorrectContactHandler
{
    public static ProblemDetails Validate(CorrectContact command, Referral? referral, IValidator<CorrectContact> validator) => Problems.FirstOf(
        () => Problems.Check(validator, command),
        () => Lifecycle.Exists(referral),
        () => Allowed(referral!),
        () => Reachable(Corrected(referral!.Intake, command), command));

    /// <summary>An open referral whose client's data is still held: the only kind a link opens.</summary>
    public static ProblemDetails Allowed(Referral referral) => Problems.FirstOf(
        () => Lifecycle.RequireOpen(referral, "correct the contact details of"),
        () => referral.PersonalDataErased
            ? Problems.Conflict("The client's data is erased.", "personalDataErased")
            : Problems.NoProblems);

    /// <summary>The client keeps at least one way to be reached, and is texted only at a phone number.</summary>
    private static ProblemDetails Reachable(Contact after, CorrectContact command) =>
        after.Email is null && after.Phone is null ? Problems.Invalid(command.Phone is "" ? "phone" : "email", ContactRules.Unreachable)
        : command.TextMessagesOk == true && after.Phone is null
            ? Problems.Invalid("textMessagesOk", "We can only text you at a phone number: please add one, or leave texts off.")
        : Problems.NoProblems;

    /// <summary>
    /// What changes, and only that: a value equal to the one held is no change, and a phone removed takes the consent to
    /// text it with it. Nothing to change, no event.
    /// </summary>
    public static object[] Decide(Referral referral, CorrectContact command)
    {
        var before = Held(referral.Intake);
        var after = Corrected(referral.Intake, command);
        var email = after.Email == before.Email ? null : after.Email ?? "";
        var phone = after.Phone == before.Phone ? null : after.Phone ?? "";
        bool? texts = after.TextsOk == before.TextsOk ? null : after.TextsOk;
        return email is null && phone is null && texts is null ? [] : [new ClientContactCorrected(email, phone, texts)];
    }

    public static (ClientContactAnswer, Events) Handle(CorrectContact command, [WriteAggregate(Required = false)] Referral referral)
    {
        var events = Decide(referral, command);
        var after = Corrected(referral.Intake, command);
        return (new ClientContactAnswer(after.Email, after.Phone, after.TextsOk, events.Length > 0), new Events(events));
    }

    private sealed record Contact(string? Email, string? Phone, bool TextsOk);

    private static Contact Held(ReferralIntake intake) =>
        new(Value(intake.Client.Email), Value(intake.Client.Phone), intake.Consent.TextMessagesOk);

    private static Contact Corrected(ReferralIntake intake, CorrectContact command)
    {
        var held = Held(intake);
        var email = command.Email is null ? held.Email : Value(command.Email);
        var phone = command.Phone is null ? held.Phone : Value(command.Phone);
        // The consent was to text a number: without one there is nothing to text.
        var texts = phone is not null && (command.TextMessagesOk ?? held.TextsOk);
        return new Contact(email, phone, texts);
    }

    /// <summary>Trimmed, and null for nothing.</summary>
    private static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public static class CorrectContactEndpoint
{
    /// <summary>The referral is the one the link opens; a wrong, expired or revoked link gets the one neutral 404.</summary>
    [WolverinePost("/api/client/{token}/contact"), AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
    public static Task<HttpAnswer<ClientContactAnswer>> Post(
        string token, CorrectContact command, HttpContext context, IMessageBus bus, CancellationToken cancellation) =>
        ClientLinks.AnswerAsync(context, referral => bus.AskAsync(command with { ReferralId = referral.Id }, cancellation));
}
