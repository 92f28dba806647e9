using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Matching.Service.Infrastructure;

namespace Matching.Tests.Support;

/// <summary>Plain HttpClient calls against the test host, for parallel requests and raw bodies.</summary>
public static class Http
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServiceSetup.Configure(options);
        return options;
    }

    public static HttpClient Client(this IAlbaHost host, string? token = null)
    {
        var client = host.Server.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> Send(
        this IAlbaHost host, HttpMethod method, string url, object? body = null, string? token = null,
        IDictionary<string, string>? headers = null)
    {
        using var client = host.Client(token);
        using var request = new HttpRequestMessage(method, url);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0)
        {
            try { node = JsonNode.Parse(text); } catch (JsonException) { node = JsonValue.Create(text); }
        }
        return (response.StatusCode, node);
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> Post(this IAlbaHost host, string url, object? body, string? token = null,
        IDictionary<string, string>? headers = null) => host.Send(HttpMethod.Post, url, body, token, headers);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> Put(this IAlbaHost host, string url, object? body, string? token = null)
        => host.Send(HttpMethod.Put, url, body, token);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> Get(this IAlbaHost host, string url, string? token = null)
        => host.Send(HttpMethod.Get, url, null, token);
}
