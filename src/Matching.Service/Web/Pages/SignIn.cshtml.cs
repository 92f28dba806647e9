using System.Security.Claims;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages;

/// <summary>
/// Development and tests: pick a demo user and role (a clinician signs in as one of the directory's
/// clinicians). Elsewhere this page hands over to the OIDC authority.
/// </summary>
public sealed class SignInModel(IWebHostEnvironment environment, IConfiguration configuration, IQuerySession session) : AppPage
{
    public static readonly string[] StaffRoles = [Roles.Coordinator, Roles.Clinician, Roles.Compliance, Roles.Analyst, Roles.Admin];

    public IReadOnlyList<Clinician> Clinicians { get; private set; } = [];

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    private bool Demo => Auth.DemoSignIn(environment, configuration);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellation)
    {
        if (!Demo)
            return Challenge(new AuthenticationProperties { RedirectUri = SafeReturnUrl() }, Auth.OidcScheme);
        Clinicians = await session.Query<Clinician>().Where(c => !c.Offboarded).OrderBy(c => c.Profile.Name).ToListAsync(cancellation);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? role, string? name, Guid? clinicianId, CancellationToken cancellation)
    {
        if (!Demo) return NotFound();
        if (role is null || !StaffRoles.Contains(role)) Errors["role"] = ["Choose a role."];
        Clinician? clinician = null;
        if (role == Roles.Clinician)
        {
            clinician = clinicianId is { } id ? await session.LoadAsync<Clinician>(id, cancellation) : null;
            if (clinician is null) Errors["clinicianId"] = ["Choose which clinician you are."];
        }
        if (Errors.Count > 0) return await OnGetAsync(cancellation);

        var displayName = clinician?.Profile.Name ?? (string.IsNullOrWhiteSpace(name) ? $"Demo {role}" : name.Trim());
        var sub = clinician is not null ? $"clinician-{clinician.Id:N}" : $"demo-{role}";
        var claims = new List<Claim> { new("sub", sub), new("name", displayName), new("role", role!) };
        if (clinician is not null) claims.Add(new Claim(Policies.ClinicianIdClaim, clinician.Id.ToString()));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Auth.CookieScheme, "name", "role"));
        await HttpContext.SignInAsync(Auth.CookieScheme, principal);
        return LocalRedirect(SafeReturnUrl(HomeFor(role!)));
    }

    public static string HomeFor(string role) => role switch
    {
        Roles.Coordinator => "/coordinator",
        Roles.Clinician => "/clinician",
        Roles.Compliance => "/compliance",
        Roles.Analyst => "/reports",
        _ => "/admin/clinicians"
    };

    /// <summary>Only back to a page of this site: a return URL elsewhere would make sign-in an open redirect.</summary>
    private string SafeReturnUrl(string otherwise = "/") => ReturnUrl is { Length: > 0 } && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : otherwise;
}
