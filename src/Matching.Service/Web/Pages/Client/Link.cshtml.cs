using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.ClientLink;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;

namespace Matching.Service.Web.Pages.Client;

/// <summary>
/// The client's own page, opened by their private link: where the request stands and what happens next, in the
/// practice's voice. An unknown, expired or revoked link gets the same neutral page, answered 404. Partial: each
/// thing the client can do here keeps its handlers in a file of its own beside this one.
/// </summary>
/// <remarks>
/// No antiforgery token: the link's token in the path is itself the secret a forged cross-site post would need, and a
/// form token bound to the link's principal would turn a second tap after a withdrawal into a bare 400.
/// </remarks>
[AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy), IgnoreAntiforgeryToken]
public sealed partial class LinkModel(IDocumentSession session, MatchingOptions options, IMessageBus bus, TimeProvider time) : AppPage
{
    public ClientLinkVisit? Visit { get; private set; }
    public ClientStatusView? Status { get; private set; }
    public MatchingOptions Practice => options;

    /// <summary>The token from the route, for the forms' actions: never logged, never rendered elsewhere.</summary>
    [FromRoute] public string Token { get; set; } = "";

    /// <summary>The contact details in the form: what we hold, or what the client just sent when it was refused.</summary>
    public string? ContactEmail { get; private set; }
    public string? ContactPhone { get; private set; }
    public bool ContactTextsOk { get; private set; }

    /// <summary>The client asked to withdraw: the page says what withdrawing does and asks them to confirm.</summary>
    public bool ConfirmingWithdrawal { get; private set; }
    public string? WithdrawalReason { get; private set; }

    /// <summary>The request was just withdrawn: the closing page (the link opens nothing from now on).</summary>
    public RequestWithdrawn? Withdrawn { get; private set; }

    /// <summary>A private page: never indexed (every answer is already no-store and sends no referrer).</summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context) => Response.Headers["X-Robots-Tag"] = "noindex, nofollow";

    public Task<IActionResult> OnGetAsync(CancellationToken cancellation) => ShowAsync(cancellation);

    public Task<IActionResult> OnGetWithdrawAsync(CancellationToken cancellation)
    {
        ConfirmingWithdrawal = true;
        return ShowAsync(cancellation);
    }

    /// <summary>
    /// The form holds the whole of how to reach the client, so a field left empty removes that detail (the command refuses
    /// to leave the client unreachable).
    /// </summary>
    public async Task<IActionResult> OnPostContactAsync(string? email, string? phone, bool textMessagesOk, CancellationToken cancellation)
    {
        if (ClientLinks.Visit(HttpContext) is not { } visit) return await ShowAsync(cancellation);
        var answer = await AnswerAsync(bus, new CorrectContact(email ?? "", phone ?? "", textMessagesOk) { ReferralId = visit.Referral.Id }, cancellation);
        if (answer.Result is { } corrected)
        {
            Flash = corrected.Changed
                ? "Thank you. We'll use these details to reach you from now on."
                : "Nothing needed changing: these are the details we already had.";
            return RedirectToPage(new { token = Token });
        }
        Show(answer.Problem!);
        (ContactEmail, ContactPhone, ContactTextsOk) = (email, phone, textMessagesOk);
        return await ShowAsync(cancellation, keepForm: true);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? reason, CancellationToken cancellation)
    {
        if (ClientLinks.Visit(HttpContext) is not { } visit) return await ShowAsync(cancellation);
        var answer = await AnswerAsync(bus, new WithdrawRequest(reason) { ReferralId = visit.Referral.Id }, cancellation);
        if (answer.Result is { } withdrawn)
        {
            // Shown in this answer: the link no longer opens a page to come back to.
            Withdrawn = withdrawn;
            return Page();
        }
        Show(answer.Problem!);
        (ConfirmingWithdrawal, WithdrawalReason) = (true, reason);
        return await ShowAsync(cancellation);
    }

    /// <summary>Reads the request as the client sees it, recording the view as an access by the client.</summary>
    private async Task<IActionResult> ShowAsync(CancellationToken cancellation, bool keepForm = false)
    {
        Visit = ClientLinks.Visit(HttpContext);
        if (Visit is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Status = await ClientStatusEndpoint.ReadAsync(Visit.Referral, session, options, time.GetUtcNow(), cancellation);
        if (!keepForm)
        {
            var client = Visit.Referral.Intake.Client;
            (ContactEmail, ContactPhone, ContactTextsOk) = (client.Email, client.Phone, Visit.Referral.Intake.Consent.TextMessagesOk);
        }
        AccessLog.Record(session, Visit.Referral.Id, AccessLog.ClientLink);
        await session.SaveChangesAsync(cancellation);
        return Page();
    }
}
