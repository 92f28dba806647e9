using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Matching.Idp;

/// <summary>The provider's sign-in form: plain HTML, antiforgery-protected, no consent step after it.</summary>
internal static class LoginPage
{
    public const string Path = "/account/login";

    public static void Map(WebApplication app)
    {
        app.MapGet("/", Home);
        app.MapGet(Path, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Form(context, antiforgery, returnUrl, userName: null, message: null));
        app.MapPost(Path, SignIn);
    }

    private static async Task<IResult> SignIn(HttpContext context, IAntiforgery antiforgery, ProviderOptions options)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
            return Results.BadRequest("The sign-in form has expired: load it again.");

        var form = await context.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        var user = ProviderEndpoints.CheckPassword(options, form["username"], form["password"]);
        if (user is null)
            return Form(context, antiforgery, returnUrl, form["username"], "Wrong username or password.");

        var identity = new ClaimsIdentity(ProviderEndpoints.SessionScheme).SetClaim(Claims.Subject, user.Subject);
        await context.SignInAsync(ProviderEndpoints.SessionScheme, new ClaimsPrincipal(identity));
        // Only back into this provider (normally the pending authorization request): never an open redirect.
        return Results.Redirect(IsLocal(returnUrl) ? returnUrl : "/");
    }

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? userName, string? message)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var error = message is null ? "" : $"""<p class="error" role="alert">{Encode(message)}</p>""";
        return Page("Sign in", $"""
            <h1>Sign in</h1>
            {error}
            <form method="post" action="{Path}">
              <input type="hidden" name="{Encode(tokens.FormFieldName)}" value="{Encode(tokens.RequestToken)}">
              <input type="hidden" name="returnUrl" value="{Encode(returnUrl)}">
              <label for="username">Username</label>
              <input id="username" name="username" autocomplete="username" required autofocus value="{Encode(userName)}">
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form>
            """);
    }

    private static async Task<IResult> Home(HttpContext context, ProviderOptions options)
    {
        var session = await context.AuthenticateAsync(ProviderEndpoints.SessionScheme);
        var user = ProviderEndpoints.FindUser(options, session.Principal?.GetClaim(Claims.Subject));
        return Page("Identity provider", $"""
            <h1>Matching identity provider</h1>
            <p>For tests and local development only.</p>
            <p>{(user is null ? "Nobody is signed in." : $"Signed in as {Encode(user.Name)}.")}</p>
            """);
    }

    private static IResult Page(string title, string body) => Results.Content($$"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{{Encode(title)}}</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }
            label, input, button { display: block; width: 100%; box-sizing: border-box; margin: .3rem 0; }
            input, button { padding: .5rem; font-size: 1rem; }
            button { margin-top: 1rem; }
            .error { color: #b00020; }
          </style>
        </head>
        <body><main>
        {{body}}
        </main></body>
        </html>
        """, "text/html; charset=utf-8");

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
