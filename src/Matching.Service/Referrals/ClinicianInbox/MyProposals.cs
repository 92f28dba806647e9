using System.Security.Claims;
using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Attributes;
using Wolverine.Http;

namespace Matching.Service.Referrals.ClinicianInbox;

public sealed record PaymentSummary(PaymentMethod? Method, string? Payer, decimal? MaxSessionRate);

public sealed record PreferencesSummary(
    ClinicianPreferences? ClinicianPreferences,
    IReadOnlyList<Modality> PreferredModalities,
    bool InterestedInKetamineAssistedTherapy);

/// <summary>
/// What a clinician may see before accepting (minimum necessary): the clinical and practical fit,
/// nothing that identifies the person. Built field by field so a new intake field stays out until
/// someone decides it belongs here.
/// </summary>
public sealed record ReferralSummary(
    AgeGroup AgeGroup,
    SessionType? SessionType,
    IReadOnlyList<Concern> Concerns,
    FormatPreference? Format,
    string? State,
    PaymentSummary? Payment,
    IReadOnlyList<string> Languages,
    IReadOnlyList<AvailabilityWindow> Availability,
    PreferencesSummary Preferences)
{
    public static ReferralSummary Of(Referral r)
    {
        var intake = r.Intake;
        return new ReferralSummary(
            r.AgeGroup,
            intake.SessionType,
            intake.Concerns,
            intake.Format,
            intake.Client.State,
            new PaymentSummary(intake.Payment.Method, intake.Payment.Payer, intake.Payment.MaxSessionRate),
            intake.Languages,
            IntakeView.Of(intake.Availability) ?? [],
            new PreferencesSummary(IntakeView.Of(intake.ClinicianPreferences), intake.PreferredModalities ?? [],
                intake.InterestedInKetamineAssistedTherapy ?? false));
    }
}

/// <summary>How to reach the client, shown once the clinician has accepted.</summary>
public sealed record ClientContact(string? FirstName, string? LastName, string? Email, string? Phone, string? Pronouns);

public sealed record MyProposal(
    Guid ReferralId,
    Guid ProposalId,
    ProposalStatus Status,
    DateTimeOffset ProposedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AnsweredAt,
    ReferralSummary Summary,
    ClientContact? Client);

public sealed record MyProposals(IReadOnlyList<MyProposal> Items);

public static class MyProposalsEndpoint
{
    public static async Task<MyProposals> ProposalsOf(IQuerySession session, Guid clinicianId, bool pendingOnly, CancellationToken cancellation)
    {
        // Served by the GIN index on the referral's JSON.
        var referrals = await session.Query<Referral>()
            .Where(r => r.Proposals.Any(p => p.ClinicianId == clinicianId))
            .ToListAsync(cancellation);

        var items = referrals
            .SelectMany(r => r.Proposals
                .Where(p => p.ClinicianId == clinicianId && (!pendingOnly || p.Status == ProposalStatus.Pending))
                .Select(p => Item(r, p)))
            .OrderByDescending(i => i.ProposedAt)
            .ToList();
        return new MyProposals(items);
    }

    public static MyProposal Item(Referral referral, Proposal proposal) => new(
        referral.Id, proposal.Id, proposal.Status, proposal.ProposedAt, proposal.ExpiresAt, proposal.AnsweredAt,
        ReferralSummary.Of(referral),
        proposal.Status == ProposalStatus.Accepted && !referral.PersonalDataErased ? Contact(referral.Intake.Client) : null);

    private static ClientContact Contact(IntakeClient c) => new(c.FirstName, c.LastName, c.Email, c.Phone, c.Pronouns);

    [WolverineGet("/api/me/proposals"), Authorize(Policy = Policies.Clinicians)]
    [ProducesResponseType<MyProposals>(200), ProducesResponseType<ProblemDetails>(400)]
    [NonTransactional]
    public static async Task<IResult> Get(string? status, ClaimsPrincipal user, IDocumentSession session, CancellationToken cancellation)
    {
        bool pendingOnly;
        switch (status)
        {
            case null or "" or "pending": pendingOnly = true; break;
            case "all": pendingOnly = false; break;
            default: return Results.Problem(Problems.Invalid("status", "Use pending or all."));
        }

        // The policy guarantees the claim; without it the caller simply has no proposals.
        if (user.ClinicianId() is not { } clinicianId) return Results.Ok(new MyProposals([]));
        var proposals = await ProposalsOf(session, clinicianId, pendingOnly, cancellation);
        // An accepted client's contact details are personal data: each referral shown with them is an access.
        var shown = proposals.Items.Where(i => i.Client is not null).Select(i => i.ReferralId).Distinct().ToList();
        foreach (var referralId in shown) AccessLog.Record(session, referralId, AccessLog.ClinicianProposals);
        if (shown.Count > 0) await session.SaveChangesAsync(cancellation);
        return Results.Ok(proposals);
    }
}
