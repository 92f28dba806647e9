using Marten;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Matching.Service.Referrals.ClientLink;

/// <summary>A coordinator gives the client a new link (to read out or text): earlier links stop working.</summary>
public sealed record IssueClientLink : ICommand<ClientLinkAnswer>
{
    [NotFromBody] public Guid ReferralId { get; init; }
}

/// <summary>The link, shown once: the service keeps only its hash.</summary>
public sealed record ClientLinkAnswer(string Url, DateTimeOffset ExpiresAt) : IAnswer;

public static class IssueClientLinkHandler
{
    public static ProblemDetails Validate(IssueClientLink command, Referral? referral) => Problems.FirstOf(
        () => Lifecycle.Exists(referral),
        () => Allowed(referral!));

    /// <summary>Whether the referral's state allows a link at all: open, with the client's data still held.</summary>
    public static ProblemDetails Allowed(Referral referral) => Problems.FirstOf(
        () => Lifecycle.RequireOpen(referral, "give a link for"),
        () => referral.PersonalDataErased
            ? Problems.Conflict("The client's data is erased: there is nobody to give a link to.", "personalDataErased")
            : Problems.NoProblems);

    public static (ClientLinkAnswer, Events) Handle(
        IssueClientLink command, [WriteAggregate(Required = false)] Referral referral, IDocumentSession session, TimeProvider time, MatchingOptions options)
    {
        var link = ClientLinks.Issue(referral.Id, time.GetUtcNow(), options.ClientLinkLifetime, replacesEarlier: true);
        ClientLinks.Keep(session, link);
        return (new ClientLinkAnswer(ClientLinks.Url(options, link.Token), link.Issued.ExpiresAt), new Events([link.Issued]));
    }
}

public static class IssueClientLinkEndpoint
{
    [WolverinePost("/api/referrals/{referralId}/client-link"), Authorize(Policy = Policies.Coordination)]
    public static async Task<HttpAnswer<ClientLinkAnswer>> Post(Guid referralId, HttpRequest request, IMessageBus bus, CancellationToken cancellation) =>
        // Nothing to send: a body is a mistake (another route's, a client's bug), refused rather than ignored.
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0
            ? new HttpAnswer<ClientLinkAnswer>(new Answer<ClientLinkAnswer>(null, Problems.Invalid("body", "This request takes no body.")))
            : await bus.AnswerHttpAsync(new IssueClientLink { ReferralId = referralId }, cancellation);
}
