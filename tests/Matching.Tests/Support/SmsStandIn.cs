using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Matching.Tests.Support;

/// <summary>A text message the stand-in accepted, as Twilio would have queued it.</summary>
public sealed record ReceivedText(string Sid, string To, string From, string Body);

/// <summary>
/// A local stand-in of Twilio's Messages API (<c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>, form body To, From,
/// Body, basic auth sid:token) on a free loopback port: answers as Twilio does and records what it accepted. Point the
/// service at it with <c>Sms:BaseUrl</c>.
/// </summary>
public sealed class SmsStandIn : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "stand-in-auth-token";
    public const string From = "+13035550199";

    private readonly ConcurrentQueue<ReceivedText> _accepted = new();
    private readonly ConcurrentDictionary<string, bool> _optedOut = new();
    private int _failuresToGive;
    private int _requests;
    private WebApplication _app = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Texts accepted (answered 201), in order.</summary>
    public IReadOnlyList<ReceivedText> Accepted => _accepted.ToArray();

    /// <summary>Every request to the Messages API, failed ones included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The next <paramref name="count"/> requests get a 500, as during a provider outage.</summary>
    public void FailNext(int count = 1) => Interlocked.Exchange(ref _failuresToGive, count);

    /// <summary>The number replied STOP: Twilio refuses texts to it with error 21610.</summary>
    public void OptOut(string e164) => _optedOut[e164] = true;

    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Sms:AccountSid"] = AccountSid, ["Sms:AuthToken"] = AuthToken, ["Sms:From"] = From, ["Sms:BaseUrl"] = BaseUrl
    };

    public static async Task<SmsStandIn> StartAsync()
    {
        var standIn = new SmsStandIn();
        (standIn._app, standIn.BaseUrl) = await LoopbackApp.StartAsync(app => app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", standIn.MessagesAsync));
        return standIn;
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> texts have been accepted.</summary>
    public async Task<IReadOnlyList<ReceivedText>> WaitForAsync(Func<ReceivedText, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = Accepted.Where(match).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{found.Count} of {count} texts arrived.");
            await Task.Delay(50);
        }
    }

    private async Task<IResult> MessagesAsync(string sid, HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (!Authorized(request, sid))
            return Error(401, 20003, "Authenticate");
        if (Interlocked.Decrement(ref _failuresToGive) >= 0)
            return Error(500, 20500, "Internal Server Error");
        Interlocked.Exchange(ref _failuresToGive, 0);

        var form = await request.ReadFormAsync();
        string to = form["To"].ToString(), from = form["From"].ToString(), body = form["Body"].ToString();
        if (to == "" || from == "" || body == "")
            return Error(400, 21604, "A 'To', 'From' and 'Body' are required.");
        if (_optedOut.ContainsKey(to))
            return Error(400, 21610, "Attempt to send to unsubscribed recipient");

        var messageSid = "SM" + Guid.NewGuid().ToString("N");
        _accepted.Enqueue(new ReceivedText(messageSid, to, from, body));
        var now = DateTimeOffset.UtcNow.ToString("r");
        return Results.Json(new Dictionary<string, object?>
        {
            ["account_sid"] = sid, ["api_version"] = "2010-04-01", ["body"] = body, ["date_created"] = now, ["date_sent"] = null,
            ["date_updated"] = now, ["direction"] = "outbound-api", ["error_code"] = null, ["error_message"] = null, ["from"] = from,
            ["messaging_service_sid"] = null, ["num_media"] = "0", ["num_segments"] = "1", ["price"] = null, ["price_unit"] = "USD",
            ["sid"] = messageSid, ["status"] = "queued", ["to"] = to,
            ["uri"] = $"/2010-04-01/Accounts/{sid}/Messages/{messageSid}.json"
        }, statusCode: 201);
    }

    private static bool Authorized(HttpRequest request, string sid)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth) || auth.Scheme != "Basic") return false;
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter ?? ""));
        return sid == AccountSid && pair == $"{AccountSid}:{AuthToken}";
    }

    private static IResult Error(int status, int code, string message) => Results.Json(new
    {
        code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status
    }, statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
