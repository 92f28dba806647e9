namespace Matching.Service.Web.Pages;

/// <summary>Where a signed-in user lands when their role doesn't open a page.</summary>
public sealed class DeniedModel : AppPage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
