using System.Globalization;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Accepting;
using Matching.Service.Referrals.ClinicianInbox;
using Matching.Service.Referrals.Declining;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Proposals;

/// <summary>A clinician's proposals: de-identified until accepted; accept, or decline with a coded reason.</summary>
public sealed class IndexModel(IDocumentSession session, IMessageBus bus, MatchingOptions options) : AppPage
{
    public MyProposals Proposals { get; private set; } = new([]);
    public TimeZoneInfo Zone => options.TimeZone;
    public Guid? FailedProposal { get; private set; }

    /// <summary>A day in the practice's zone, as "Tue 8 Dec".</summary>
    public string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("ddd d MMM", CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken cancellation) => await LoadAsync(cancellation);

    public Task<IActionResult> OnPostAcceptAsync(Guid referralId, Guid proposalId, string? note, CancellationToken c) =>
        RunAsync(proposalId, "accept", "Accepted. The client's contact details are below.",
            new AcceptProposal(note, null) { ReferralId = referralId, ProposalId = proposalId, AnsweredBy = User.ClinicianId() }, c);

    public Task<IActionResult> OnPostDeclineAsync(Guid referralId, Guid proposalId, DeclineReason? reason, string? note, CancellationToken c) =>
        RunAsync(proposalId, "decline", "Declined. Thank you — the coordinator will find another match.",
            new DeclineProposal(reason, note, null) { ReferralId = referralId, ProposalId = proposalId, AnsweredBy = User.ClinicianId() }, c);

    private async Task<IActionResult> RunAsync(Guid proposalId, string action, string done, ICommand<ReferralCommandResult> command,
        CancellationToken cancellation)
    {
        if (await SendAsync(bus, command, cancellation) is not { } problem)
        {
            Flash = done;
            return RedirectToPage();
        }
        Show(problem);
        FailedAction = action;
        FailedProposal = proposalId;
        await LoadAsync(cancellation);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellation)
    {
        if (User.ClinicianId() is not { } clinicianId) return;
        Proposals = await MyProposalsEndpoint.ProposalsOf(session, clinicianId, pendingOnly: false, cancellation);
        // Contact details of accepted clients are personal data: each referral shown with them is an access, as in the API.
        var shown = Proposals.Items.Where(i => i.Client is not null).Select(i => i.ReferralId).Distinct().ToList();
        foreach (var referralId in shown) AccessLog.Record(session, referralId, AccessLog.ClinicianProposals);
        if (shown.Count > 0) await session.SaveChangesAsync(cancellation);
    }
}
