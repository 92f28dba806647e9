using System.Diagnostics;
using System.Globalization;
using Matching.Service.Infrastructure;

namespace Matching.Service.Web;

/// <summary>The server-rendered pages: Razor Pages under Web/Pages, each folder behind its role's policy.</summary>
public static class WebSetup
{
    public static void AddMatchingWeb(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/Coordinator", Policies.Coordination);
            o.Conventions.AuthorizeFolder("/Proposals", Policies.Clinicians);
            o.Conventions.AuthorizeFolder("/Compliance", Policies.Audit);
            o.Conventions.AuthorizeFolder("/Reports", Policies.Reports);
            o.Conventions.AuthorizeFolder("/Admin", Policies.DirectoryAdmin);
            o.Conventions.AddPageRoute("/Admin/Clinician", "/admin/clinicians/{id:guid}");
            // Public: the intake form, its confirmation, the privacy notice, signing in and the refusal page.
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/Thanks");
            o.Conventions.AllowAnonymousToPage("/Privacy");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Denied");
            o.Conventions.ConfigureFilter(new TextInputPageFilter());
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "matching.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = HttpHardening.EnforcesHttps(builder) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
    }

    /// <summary>Static files are public: served before authentication, so the fallback policy never sees them.</summary>
    public static void UseMatchingStaticFiles(this WebApplication app)
    {
        app.UseMiddleware<ServerTimingMiddleware>();
        app.UseStaticFiles();
    }
}

/// <summary>
/// Adds `Server-Timing: app;dur=…` to every page response: the time from the request reaching the
/// app to the response starting, which is how the pages' render time is measured.
/// </summary>
public sealed class ServerTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (Auth.IsApiRequest(context.Request)) return next(context);
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            context.Response.Headers["Server-Timing"] = "app;dur=" + elapsed.ToString("0.0", CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    }
}
