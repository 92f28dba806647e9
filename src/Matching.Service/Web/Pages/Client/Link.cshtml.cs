using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals.ClientLink;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Matching.Service.Web.Pages.Client;

/// <summary>
/// The client's own page, opened by their private link: where the request stands and what happens next, in the
/// practice's voice. An unknown, expired or revoked link gets the same neutral page, answered 404. Partial: each
/// thing the client can do here keeps its handlers in a file of its own beside this one.
/// </summary>
[AllowAnonymous, EnableRateLimiting(ClientLinks.RateLimitPolicy)]
public sealed partial class LinkModel(IDocumentSession session, MatchingOptions options) : AppPage
{
    public ClientLinkVisit? Visit { get; private set; }
    public ClientStatusView? Status { get; private set; }
    public MatchingOptions Practice => options;

    /// <summary>The token from the route, for the forms' actions: never logged, never rendered elsewhere.</summary>
    [FromRoute] public string Token { get; set; } = "";

    public Task<IActionResult> OnGetAsync(CancellationToken cancellation) => ShowAsync(cancellation);

    /// <summary>Reads the request as the client sees it, recording the view as an access by the client.</summary>
    private async Task<IActionResult> ShowAsync(CancellationToken cancellation)
    {
        Visit = ClientLinks.Visit(HttpContext);
        if (Visit is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Status = await ClientStatusEndpoint.ReadAsync(Visit.Referral, session, options, cancellation);
        AccessLog.Record(session, Visit.Referral.Id, AccessLog.ClientLink);
        await session.SaveChangesAsync(cancellation);
        return Page();
    }
}
