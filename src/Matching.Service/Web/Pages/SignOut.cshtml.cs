using Matching.Service.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Matching.Service.Web.Pages;

public sealed class SignOutModel : AppPage
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(Auth.CookieScheme);
        return Redirect("/");
    }
}
