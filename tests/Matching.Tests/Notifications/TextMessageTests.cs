using System.Net;
using Alba;
using Matching.Service.Notifications;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Operability;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Notifications;

/// <summary>The service texting through the local stand-in of Twilio's Messages API, with the service's logs kept.</summary>
public sealed class SmsFixture : TimerFixture
{
    public SmsStandIn Provider { get; private set; } = null!;
    public CapturingLoggerProvider Logs { get; } = new();

    protected override async Task StartDependenciesAsync() => Provider = await SmsStandIn.StartAsync();

    protected override async ValueTask StopDependenciesAsync()
    {
        if (Provider is not null) await Provider.DisposeAsync();
    }

    protected override IDictionary<string, string?> Settings => Provider.Settings;

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

/// <summary>No Sms settings: texts are only logged.</summary>
public sealed class UnconfiguredSmsFixture : TimerFixture
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

internal static class TextingScenarios
{
    public const string Phone = "(303) 555-0142";
    public const string PhoneE164 = "+13035550142";

    /// <summary>An intake that gave <paramref name="phone"/> and, when <paramref name="textsOk"/>, agreed to texts.</summary>
    public static async Task<ScenarioReferral> SubmittedReferral(this IAlbaHost host, bool textsOk, string phone = Phone)
    {
        var sample = Samples.Intake();
        var intake = sample with { Client = sample.Client! with { Phone = phone }, Consent = new Consent(true, true, textsOk) };
        var (status, body) = await host.Post("/api/intake", intake);
        status.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        return new ScenarioReferral(host, body!["referralId"]!.GetValue<Guid>(), body["version"]!.GetValue<long>(),
            body["status"]!.GetValue<string>());
    }

    public static string[] PersonalValues(string phone) =>
        [phone, PhoneE164, "3035550142", "Ann", "Lee", Samples.Intake().Client!.Email!];
}

public class TextMessageTests(SmsFixture app) : IClassFixture<SmsFixture>
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Fact]
    public async Task a_booking_texts_the_client_once_through_the_provider_with_the_time_in_the_practice_zone()
    {
        var startsAt = app.Host.Now().AddDays(3);
        var r = await app.Host.SubmittedReferral(textsOk: true).Triaged().Proposed().Accepted().Booked(startsAt);

        var text = (await app.Provider.WaitForAsync(t => t.Body.Contains(PracticeTime.Moment(startsAt, Denver)))).Single();

        text.To.ShouldBe(TextingScenarios.PhoneE164);
        text.From.ShouldBe(SmsStandIn.From);
        text.Body.ShouldContain("by video");
        text.Body.ShouldContain("Reply STOP");
        text.Body.ShouldNotContain("Ann");
        text.Body.ShouldNotContain("Lee");
        text.Body.ShouldNotContain("Grace Kim");
        (await app.Notifications.WaitFor(r.Id, NotificationKind.FirstSessionToClient)).ShouldNotBeNull();
        ShouldNotLeak(app.Logs.Lines.ToArray(), TextingScenarios.PersonalValues(TextingScenarios.Phone));
        app.Logs.Lines.ShouldContain(l => l.Contains(r.Id.ToString()) && l.Contains("accepted by Twilio as SM"));
    }

    [Fact]
    public async Task a_provider_failure_is_retried_by_the_outbox_and_the_text_still_goes_out_exactly_once()
    {
        var startsAt = app.Host.Now().AddDays(5).AddMinutes(7);
        var before = app.Provider.Requests;
        app.Provider.FailNext();
        var r = await app.Host.SubmittedReferral(textsOk: true).Triaged().Proposed().Accepted().Booked(startsAt);

        var moment = PracticeTime.Moment(startsAt, Denver);
        await app.Provider.WaitForAsync(t => t.Body.Contains(moment));
        await Task.Delay(TimeSpan.FromSeconds(2));

        app.Provider.Accepted.Count(t => t.Body.Contains(moment)).ShouldBe(1);
        (app.Provider.Requests - before).ShouldBeGreaterThanOrEqualTo(2, "the first attempt failed and was retried");
        app.Notifications.For(r.Id, NotificationKind.FirstSessionToClient).Count.ShouldBe(1, "the email is not sent again");
        ShouldNotLeak(app.Logs.Lines.ToArray(), TextingScenarios.PersonalValues(TextingScenarios.Phone));
    }

    [Fact]
    public async Task no_text_without_consent_or_with_a_number_that_is_not_valid()
    {
        var unconsentedAt = app.Host.Now().AddDays(6).AddMinutes(11);
        var invalidAt = app.Host.Now().AddDays(6).AddMinutes(23);
        var unconsented = await app.Host.SubmittedReferral(textsOk: false).Triaged().Proposed().Accepted().Booked(unconsentedAt);
        var invalid = await app.Host.SubmittedReferral(textsOk: true, phone: "123 456 7890").Triaged().Proposed().Accepted().Booked(invalidAt);

        // A later text passes through the same queue: once it is out, the others would have been too.
        var laterAt = app.Host.Now().AddDays(6).AddMinutes(37);
        await app.Host.SubmittedReferral(textsOk: true).Triaged().Proposed().Accepted().Booked(laterAt);
        await app.Provider.WaitForAsync(t => t.Body.Contains(PracticeTime.Moment(laterAt, Denver)));
        await app.Notifications.WaitFor(unconsented.Id, NotificationKind.FirstSessionToClient);
        await app.Notifications.WaitFor(invalid.Id, NotificationKind.FirstSessionToClient);

        app.Provider.Accepted.ShouldNotContain(t => t.Body.Contains(PracticeTime.Moment(unconsentedAt, Denver)));
        app.Provider.Accepted.ShouldNotContain(t => t.Body.Contains(PracticeTime.Moment(invalidAt, Denver)));
        var skipped = await Eventually(() => app.Logs.Lines.Where(l => l.Contains(invalid.Id.ToString()) && l.Contains("not a valid number")).ToArray());
        ShouldNotLeak(skipped, ["123 456 7890", "1234567890"]);
    }

    [Fact]
    public async Task a_number_that_replied_stop_to_the_provider_is_not_retried()
    {
        const string phone = "720 555 0163";
        app.Provider.OptOut("+17205550163");
        var before = app.Provider.Requests;
        var r = await app.Host.SubmittedReferral(textsOk: true, phone: phone).Triaged().Proposed().Accepted().Booked(app.Host.Now().AddDays(8));

        // Two texts: the intake's confirmation and the booking's.
        bool Refused(string line) => line.Contains(r.Id.ToString()) && line.Contains("opted out of texts");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (app.Logs.Lines.Count(Refused) < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(TimeSpan.FromSeconds(1));

        (app.Provider.Requests - before).ShouldBe(2, "one refused attempt for each text, no retries");
        app.Logs.Lines.Count(Refused).ShouldBe(2);
        ShouldNotLeak(app.Logs.Lines.ToArray(), [phone, "+17205550163", "7205550163"]);
    }

    internal static void ShouldNotLeak(string[] lines, string[] values)
    {
        foreach (var value in values)
            lines.ShouldNotContain(l => l.Contains(value), $"'{value}' reached the logs");
    }

    internal static async Task<string[]> Eventually(Func<string[]> lines)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (lines() is { Length: 0 } && DateTime.UtcNow < deadline) await Task.Delay(50);
        var found = lines();
        found.ShouldNotBeEmpty();
        return found;
    }
}

public class UnconfiguredTextMessageTests(UnconfiguredSmsFixture app) : IClassFixture<UnconfiguredSmsFixture>
{
    [Fact]
    public async Task without_settings_a_text_is_only_logged_by_kind_and_referral_without_the_number()
    {
        var r = await app.Host.SubmittedReferral(textsOk: true).Triaged().Proposed().Accepted().Booked();

        var logged = await TextMessageTests.Eventually(() =>
            app.Logs.Lines.Where(l => l.Contains(r.Id.ToString()) && l.Contains("no SMS provider configured")
                                      && l.Contains(nameof(NotificationKind.FirstSessionToClient))).ToArray());

        logged.Length.ShouldBe(1);
        logged[0].ShouldContain(nameof(NotificationKind.FirstSessionToClient));
        TextMessageTests.ShouldNotLeak(app.Logs.Lines.ToArray(), TextingScenarios.PersonalValues(TextingScenarios.Phone));
    }
}

/// <summary>The text's decision without a database or a provider.</summary>
public class TextClientOfFirstSessionTests
{
    private static readonly TimeZoneInfo Denver = TimeZoneInfo.FindSystemTimeZoneById("America/Denver");

    [Theory]
    [InlineData("(303) 555-0142", "+13035550142")]
    [InlineData("303.555.0142", "+13035550142")]
    [InlineData("+1 303 555 0142", "+13035550142")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("555 01", null)]
    [InlineData("123 456 7890", null)]
    [InlineData("", null)]
    public void numbers_are_normalized_to_e164_with_the_us_as_default(string given, string? expected) =>
        PhoneNumbersE164.Normalize(given).ShouldBe(expected);

    [Fact]
    public void the_text_names_the_time_in_the_practice_zone_and_not_the_client()
    {
        var (referral, message) = Booked(textsOk: true, startsAt: new DateTimeOffset(2026, 12, 9, 17, 0, 0, TimeSpan.Zero));

        var text = TextClientOfFirstSessionHandler.Compose(message, referral, Denver, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)!;

        text.To.ShouldBe("+13035550100");
        text.Body.ShouldContain("Wed 9 Dec 10:00 MST");
        text.Body.ShouldNotContain("Ann");
        text.Kind.ShouldBe(NotificationKind.FirstSessionToClient);
    }

    [Fact]
    public void no_text_without_consent_or_for_a_session_that_changed()
    {
        var (unconsented, message) = Booked(textsOk: false, startsAt: DateTimeOffset.UtcNow.AddDays(2));
        TextClientOfFirstSessionHandler.Compose(message, unconsented, Denver, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .ShouldBeNull();

        var (consented, booked) = Booked(textsOk: true, startsAt: DateTimeOffset.UtcNow.AddDays(2));
        TextClientOfFirstSessionHandler.Compose(booked with { SessionId = Guid.NewGuid() }, consented, Denver,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).ShouldBeNull();
    }

    [Fact]
    public void an_intake_stored_before_the_text_consent_existed_reads_as_no_texts()
    {
        var consent = System.Text.Json.JsonSerializer.Deserialize<IntakeConsent>(
            """{ "contact": true, "privacyNoticeAccepted": true }""", new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
        consent.TextMessagesOk.ShouldBeFalse();
    }

    private static (Referral, TextClientOfFirstSession) Booked(bool textsOk, DateTimeOffset startsAt)
    {
        var sample = Samples.Intake();
        var referral = Given.Fold(Guid.NewGuid(), [Samples.Submitted(sample with { Consent = new Consent(true, true, textsOk) })]);
        var sessionId = Guid.NewGuid();
        referral = referral with
        {
            FirstSession = new FirstSession(sessionId, Guid.NewGuid(), startsAt, 50, SessionFormat.Telehealth, FirstSessionStatus.Booked, startsAt.AddDays(-3))
        };
        return (referral, new TextClientOfFirstSession(referral.Id, sessionId));
    }
}
