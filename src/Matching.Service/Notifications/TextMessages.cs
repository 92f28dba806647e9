using Microsoft.Extensions.Options;
using PhoneNumbers;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;

namespace Matching.Service.Notifications;

/// <summary>
/// One text message to one phone. <see cref="To"/> (E.164) and <see cref="Body"/> may hold personal data: only the kind
/// and the referral id are fit for logs.
/// </summary>
public sealed record TextMessage(NotificationKind Kind, Guid ReferralId, string To, string Body);

/// <summary>Delivers text messages: through Twilio when configured, otherwise to the log (without personal data).</summary>
public interface ISmsSender
{
    Task SendAsync(TextMessage message, CancellationToken cancellation);
}

/// <summary>
/// Section "Sms". Without an account, sid, token and sender number, texts go to the log instead. <see cref="BaseUrl"/>
/// replaces https://api.twilio.com (a stand-in of the provider in tests, a regional gateway).
/// </summary>
public sealed class SmsOptions
{
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    public string? From { get; set; }
    public string? BaseUrl { get; set; }

    public bool Configured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(From);
}

/// <summary>The sender used when Twilio isn't configured: names the kind and the referral, never the number or the text.</summary>
public sealed class LoggingSmsSender(ILogger<LoggingSmsSender> logger) : ISmsSender
{
    public Task SendAsync(TextMessage message, CancellationToken cancellation)
    {
        logger.LogInformation("Text message {NotificationKind} for referral {ReferralId} recorded (no SMS provider configured)",
            message.Kind, message.ReferralId);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Sends through Twilio's Messages API with the official SDK. A refusal or an outage throws, so the outbox retries the
/// message (see <see cref="TextClientOfFirstSessionHandler"/>).
/// </summary>
public sealed class TwilioSmsSender : ISmsSender, IDisposable
{
    private readonly SmsOptions _options;
    private readonly ILogger<TwilioSmsSender> _logger;
    private readonly HttpClient _http;
    private readonly TwilioRestClient _client;

    public TwilioSmsSender(IOptions<SmsOptions> options, ILogger<TwilioSmsSender> logger)
    {
        _options = options.Value;
        _logger = logger;
        // The SDK builds https://api.twilio.com/... itself; a handler moves those requests to Sms:BaseUrl when one is set.
        _http = string.IsNullOrWhiteSpace(_options.BaseUrl)
            ? new HttpClient()
            : new HttpClient(new BaseUrlHandler(new Uri(_options.BaseUrl)) { InnerHandler = new HttpClientHandler() });
        _client = new TwilioRestClient(_options.AccountSid, _options.AuthToken, httpClient: new Twilio.Http.SystemNetHttpClient(_http));
    }

    /// <summary>Twilio's answer for a number that replied STOP: it will refuse every later text to it, so retrying is pointless.</summary>
    public const int UnsubscribedRecipient = 21610;

    public async Task SendAsync(TextMessage message, CancellationToken cancellation)
    {
        MessageResource sent;
        try
        {
            sent = await MessageResource.CreateAsync(
                new CreateMessageOptions(new Twilio.Types.PhoneNumber(message.To))
                {
                    From = new Twilio.Types.PhoneNumber(_options.From),
                    Body = message.Body,
                },
                _client);
        }
        catch (Twilio.Exceptions.ApiException refused) when (refused.Code == UnsubscribedRecipient)
        {
            _logger.LogInformation("Text message {NotificationKind} for referral {ReferralId} not sent: the recipient has opted out of texts",
                message.Kind, message.ReferralId);
            return;
        }
        _logger.LogInformation("Text message {NotificationKind} for referral {ReferralId} accepted by Twilio as {MessageSid}",
            message.Kind, message.ReferralId, sent.Sid);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Keeps the SDK's path and query, on another scheme, host and port.</summary>
    private sealed class BaseUrlHandler(Uri baseUrl) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri)
                request.RequestUri = new Uri(baseUrl, uri.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>Phone numbers as the SMS provider takes them.</summary>
public static class PhoneNumbersE164
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>"+13035550100" for "303 555 0100" (numbers without a country code are taken as US); null when it isn't a valid number.</summary>
    public static string? Normalize(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        try
        {
            var parsed = Util.Parse(number, "US");
            return Util.IsValidNumber(parsed) ? Util.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
