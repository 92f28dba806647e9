namespace Matching.Service.Infrastructure;

public static class Roles
{
    public const string Coordinator = "coordinator";
    public const string Clinician = "clinician";
    public const string Compliance = "compliance";
    public const string Analyst = "analyst";
    public const string Admin = "admin";
    public const string Public = "public";
    public const string System = "system";
    /// <summary>Whoever holds a client's link: no account, and only the link's own routes.</summary>
    public const string Client = "client";
    /// <summary>A partner organization's system sending referrals over FHIR: its token names the organization (referrer_org).</summary>
    public const string Referrer = "referrer";

    public static readonly string[] All = [Coordinator, Clinician, Compliance, Analyst, Admin, Referrer];
}

/// <summary>Authorization policies, one per row of the contract's role table.</summary>
public static class Policies
{
    public const string Coordination = "coordination";     // coordinator, admin
    public const string Clinicians = "clinicians";         // clinician with a clinician_id
    public const string Erasure = "erasure";               // compliance, admin
    public const string DirectoryAdmin = "directory-admin"; // admin
    public const string OwnClinicianRecord = "own-clinician-record"; // admin; clinician whose clinician_id the route names
    public const string DirectoryRead = "directory-read";  // coordinator, admin
    public const string Audit = "audit";                   // compliance
    public const string Reports = "reports";               // analyst, admin, compliance

    public const string Referrals = "referrals";           // referrer with a referrer_org (the FHIR routes)

    public const string ClinicianIdClaim = "clinician_id";
    public const string ReferrerOrgClaim = "referrer_org";
}
