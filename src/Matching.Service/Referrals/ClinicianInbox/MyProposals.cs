using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
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

/// <summary>
/// <see cref="Note"/>: what the coordinator wrote to the clinician when proposing. While pending, the client's own
/// identifiers in it read "[client]" (<see cref="PendingNote"/>); gone once the client's data is erased.
/// </summary>
public sealed record MyProposal(
    Guid ReferralId,
    Guid ProposalId,
    ProposalStatus Status,
    DateTimeOffset ProposedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? AnsweredAt,
    ReferralSummary Summary,
    ClientContact? Client,
    string? Note = null);

public sealed record MyProposals(IReadOnlyList<MyProposal> Items);

/// <summary>
/// A coordinator's note as the clinician reads it before accepting (minimum necessary): free text may name the client,
/// so the intake's identifiers (names, email, phone, date of birth, postal code, member id) are replaced with "[client]".
/// </summary>
public static class PendingNote
{
    public const string Placeholder = "[client]";

    public static string Of(string note, ReferralIntake intake)
    {
        var c = intake.Client;
        // The email before the names, so an address that contains a name goes whole.
        var patterns = new[] { c.Email, intake.Payment.MemberId, c.PostalCode, c.FirstName, c.LastName }
            .Where(v => v is { Length: > 1 }).Select(v => $@"\b{Regex.Escape(v!.Trim())}\b")
            .Concat(c.DateOfBirth is { } dob ? [Regex.Escape(dob.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), $@"\b0?{dob.Month}/0?{dob.Day}/{dob.Year}\b"] : [])
            .Concat(Digits(c.Phone) is { Length: >= 7 } digits ? [string.Join(@"[\s().+-]*", digits[^Math.Min(10, digits.Length)..].Select(d => d.ToString()))] : []);
        return patterns.Aggregate(note, (text, pattern) =>
            Regex.Replace(text, pattern, Placeholder, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    private static string Digits(string? phone) => new((phone ?? "").Where(char.IsAsciiDigit).ToArray());
}

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
        proposal.Status == ProposalStatus.Accepted && !referral.PersonalDataErased ? Contact(referral.Intake.Client) : null,
        referral.PersonalDataErased || string.IsNullOrWhiteSpace(proposal.Note) ? null
        : proposal.Status == ProposalStatus.Accepted ? proposal.Note
        : PendingNote.Of(proposal.Note, referral.Intake));

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
