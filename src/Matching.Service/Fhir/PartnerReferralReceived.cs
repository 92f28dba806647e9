namespace Matching.Service.Fhir;

/// <summary>A code as the referring system sent it: system, code and display, kept verbatim beside the concern it maps to.</summary>
public sealed record SourceCode(string? System, string? Code, string? Display);

/// <summary>
/// The referral came from a partner organization's system rather than the public form: which organization (the referrer
/// token's referrer_org), the identifier it gave its ServiceRequest, the reason codes as it sent them, whom it named as
/// the requester, and whether it asked for urgent handling. Appended after IntakeSubmitted in the same stream by the
/// intake's handler, so IntakeSubmitted keeps its shape (docs/adr/0036-fhir-referrals.md). No client data: the
/// requester is the referring clinician or service.
/// </summary>
public sealed record PartnerReferralReceived(
    string Source,
    string Organization,
    string RequestIdentifier,
    IReadOnlyList<SourceCode> ReasonCodes,
    string? Requester,
    bool UrgentRequested)
{
    public const string Fhir = "fhir";
}
