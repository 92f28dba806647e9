using System.Net;
using System.Text.RegularExpressions;
using Alba;

namespace Matching.Tests.Support;

/// <summary>
/// The pages as a browser without a browser: keeps the cookies the service sets (by name, whatever their flags),
/// sends the antiforgery token with forms, and never follows redirects, so a test sees each answer.
/// </summary>
public sealed partial class PageClient(HttpMessageHandler handler, Uri baseAddress) : IDisposable
{
    private readonly HttpClient _client = new(handler) { BaseAddress = baseAddress };

    public Dictionary<string, string> Cookies { get; } = new();

    /// <summary>Set-Cookie headers of the last answer, as sent.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    /// <summary>Headers sent on every request (a proxy's X-Forwarded-* for instance).</summary>
    public Dictionary<string, string> Headers { get; } = new();

    public static PageClient For(IAlbaHost host) => new(host.Server.CreateHandler(), host.Server.BaseAddress);

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    /// <summary>Reads the form at <paramref name="page" /> and posts the fields with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, IDictionary<string, string> fields, string? action = null)
    {
        using var form = await GetAsync(page);
        var html = await form.Content.ReadAsStringAsync();
        var token = Token().Match(html);
        if (!token.Success) throw new InvalidOperationException($"No antiforgery token on {page} ({(int)form.StatusCode}).");
        var values = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, action ?? page) { Content = new FormUrlEncodedContent(values) });
    }

    /// <summary>Development's demo sign-in as a staff role.</summary>
    public Task<HttpResponseMessage> SignInAsync(string role) =>
        PostFormAsync("/sign-in", new Dictionary<string, string> { ["role"] = role, ["name"] = $"Page {role}" });

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await _client.SendAsync(request);
        LastSetCookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToArray() : [];
        foreach (var header in LastSetCookies)
        {
            var pair = header.Split(';', 2)[0].Split('=', 2);
            if (pair.Length == 2) Cookies[pair[0].Trim()] = pair[1].Trim();
        }
        return response;
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
