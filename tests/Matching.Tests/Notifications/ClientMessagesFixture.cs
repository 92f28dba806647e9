using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Alba;
using Matching.Service.Referrals;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Matching.Tests.Notifications;

/// <summary>
/// The service sending the client's emails to a <see cref="LocalSmtpServer"/> and texts to the <see cref="SmsStandIn"/>,
/// with its logs kept and reminders a few seconds before each session (<see cref="Leads"/>), so they come due in a test.
/// </summary>
public sealed class ClientMessagesFixture : LifecycleFixture
{
    public const string Leads = "00:00:08,00:00:04";
    public static readonly TimeSpan LongLead = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan ShortLead = TimeSpan.FromSeconds(4);

    public LocalSmtpServer Mail { get; } = new();
    public SmsStandIn Texts { get; private set; } = null!;
    public CapturingLoggerProvider Logs { get; } = new();

    protected override async Task StartDependenciesAsync() => Texts = await SmsStandIn.StartAsync();

    protected override async ValueTask StopDependenciesAsync()
    {
        await Mail.DisposeAsync();
        if (Texts is not null) await Texts.DisposeAsync();
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(Texts.Settings)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:UseTls"] = "false",
        ["Smtp:From"] = SmtpFixture.From,
        ["Matching:ReminderLeadTimes"] = Leads,
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

/// <summary>Steps and checks the confirmation and reminder tests share.</summary>
internal static partial class ClientMessageSteps
{
    /// <summary>An intake from <paramref name="email"/> and/or <paramref name="phone"/>, agreeing to texts when a phone is given.</summary>
    public static Matching.Service.Referrals.Intake IntakeFrom(string? email, string? phone, bool urgent = false)
    {
        var sample = urgent ? Samples.UrgentIntake() : Samples.Intake();
        return sample with { Client = sample.Client! with { Email = email, Phone = phone }, Consent = new Consent(true, true, phone is not null) };
    }

    public static async Task<ScenarioReferral> Submitted(this IAlbaHost host, Matching.Service.Referrals.Intake intake, IDictionary<string, string>? headers = null)
    {
        var (status, body) = await host.Post("/api/intake", intake, headers: headers);
        status.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], body?.ToJsonString());
        return new ScenarioReferral(host, body!["referralId"]!.GetValue<Guid>(), body["version"]!.GetValue<long>(), body["status"]!.GetValue<string>());
    }

    /// <summary>A fresh address for each test: the mail server is shared by every test of the fixture.</summary>
    public static string NewEmail() => $"client-{Guid.NewGuid():N}@example.org";

    private static int _phones;

    /// <summary>A fresh valid number for each test ("720 555 01xx"): the provider stand-in is shared too.</summary>
    public static string NewPhone() => $"720 555 01{Interlocked.Increment(ref _phones) % 100:00}";

    public static string E164(string phone) => "+1" + new string(phone.Where(char.IsDigit).ToArray());

    /// <summary>Polls (bounded) until <paramref name="count"/> items hold, then settles briefly so that a duplicate would show.</summary>
    public static async Task<IReadOnlyList<T>> Exactly<T>(Func<IEnumerable<T>> found, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (found().Count() < count && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var all = found().ToList();
        all.Count.ShouldBe(count);
        return all;
    }

    /// <summary>The token of the first client link in a message's text.</summary>
    public static string LinkToken(string text) => LinkPattern().Match(text) is { Success: true } match
        ? match.Groups[1].Value
        : throw new ShouldAssertException($"No client link in: {text}");

    public static string AttachmentText(MimeMessage mail)
    {
        var part = mail.Attachments.OfType<MimePart>().Single();
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return Encoding.UTF8.GetString(content.ToArray());
    }

    /// <summary>Nothing personal and no working link in any log line.</summary>
    public static void ShouldNotLeak(this CapturingLoggerProvider logs, params string[] values)
    {
        var lines = logs.Lines.ToArray();
        foreach (var value in values.Where(v => !string.IsNullOrEmpty(v)))
            lines.ShouldNotContain(l => l.Contains(value), $"'{value}' reached the logs");
    }

    [GeneratedRegex(@"/r/([A-Za-z0-9_-]{43})")]
    private static partial Regex LinkPattern();
}
