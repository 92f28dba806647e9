using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages;

public sealed class SignOutModel(IWebHostEnvironment environment, IConfiguration configuration) : AppPage
{
    public IActionResult OnGet() => Redirect("/");

    /// <summary>Ends the session here and, with a provider, there too (its end-session endpoint returns to the form).</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (Auth.UsesOidc(environment, configuration))
            return SignOut(new AuthenticationProperties { RedirectUri = "/" }, Auth.CookieScheme, Auth.OidcScheme);
        await HttpContext.SignOutAsync(Auth.CookieScheme);
        return Redirect("/");
    }
}
