using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matching.Idp;

namespace Matching.Tests.Identity;

/// <summary>What a browser does, by hand: keeps cookies, never follows a redirect, fills in the login form.</summary>
internal sealed class ProviderBrowser(IdentityProvider provider) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(provider.Authority)
    };

    public Task<HttpResponseMessage> Get(string url) => http.GetAsync(url);

    public Task<string> Page(Uri url) => http.GetStringAsync(url);

    public Task<HttpResponseMessage> Post(string url, Dictionary<string, string> form) =>
        http.PostAsync(url, new FormUrlEncodedContent(form));

    /// <summary>Posts the login form found in the page, with its antiforgery token and return URL.</summary>
    public Task<HttpResponseMessage> SubmitLogin(string page, string userName, string password) =>
        Post("/account/login", new()
        {
            ["__RequestVerificationToken"] = Hidden(page, "__RequestVerificationToken"),
            ["returnUrl"] = Hidden(page, "returnUrl"), ["username"] = userName, ["password"] = password
        });

    public async Task SignIn(string userName, string password)
    {
        var answer = await SubmitLogin(await Page(new Uri(http.BaseAddress!, "/account/login")), userName, password);
        answer.StatusCode.ShouldBe(HttpStatusCode.Found);
    }

    public async Task<JsonElement> Token(Dictionary<string, string> form)
    {
        using var answer = await Post("/connect/token", form);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        answer.IsSuccessStatusCode.ShouldBeTrue(body.ToString());
        return body;
    }

    public async Task<JsonElement> UserInfo(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new("Bearer", accessToken);
        using var answer = await http.SendAsync(request);
        answer.EnsureSuccessStatusCode();
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Hidden(string page, string name) => WebUtility.HtmlDecode(
        Regex.Match(page, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);

    public void Dispose() => http.Dispose();
}
