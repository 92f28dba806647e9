using Marten;
using Matching.Service.Audit;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Erasing;
using Microsoft.AspNetCore.Mvc;
using Wolverine;

namespace Matching.Service.Web.Pages.Compliance;

/// <summary>A referral's whole trail, accesses marked, with a time filter; erasure behind a confirmation.</summary>
public sealed class ReferralModel(IDocumentSession session, IMessageBus bus, MatchingOptions options) : AppPage
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public bool Confirm { get; set; }

    public Guid Id { get; private set; }
    public Referral? Referral { get; private set; }
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public TimeZoneInfo Zone => options.TimeZone;

    /// <summary>What erasure masks, in words, for the confirmation.</summary>
    public static readonly string[] Masked =
    [
        "the client's first and last name, email, phone, date of birth, ZIP code and pronouns",
        "the insurance member id and the notes from the intake form",
        "every free-text note and reason on the referral: risk acknowledgement, triage, proposals and answers, contact attempts, the first session, waitlisting and closure",
        "the same values in the referral's events, its snapshot and queue row, the audit trail and the access log (and the key of their digests)"
    ];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellation)
    {
        Id = id;
        Referral = await session.LoadAsync<Referral>(id, cancellation);
        var (range, problem) = AuditRange.Parse(From, To, options);
        if (problem is not null)
        {
            Show(problem);
            range = new AuditRange(null, null);
        }
        Entries = await session.Query<AuditEntry>().Where(x => x.ReferralId == id).Within(range!).OrderBy(x => x.Id).ToListAsync(cancellation);
        if (Entries.Count == 0 && Referral is null) return NotFound();
        AccessLog.Record(session, id, AccessLog.AuditReferral);
        await session.SaveChangesAsync(cancellation);
        return Page();
    }

    public async Task<IActionResult> OnPostEraseAsync(Guid id, string? reason, CancellationToken cancellation)
    {
        if (await SendAsync(bus, new EraseClientData(reason) { ReferralId = id }, cancellation) is { } problem)
        {
            Show(problem);
            Confirm = true;
            return await OnGetAsync(id, cancellation);
        }
        Flash = "The client's personal data was erased. The trail stays, with the values masked.";
        return RedirectToPage(new { id });
    }
}
