using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Infrastructure;
using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Matching.Service.Referrals;
using Matching.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Operability;

/// <summary>Keeps every formatted log line (and exception text) the service writes.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

public sealed class LogCapturingAppFixture : AppFixture
{
    public CapturingLoggerProvider Logs { get; } = new();

    // Everything the service logs at any level, including the frameworks' debug output.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Wolverine"] = "Trace",
        ["Logging:LogLevel:Marten"] = "Trace",
        ["Logging:LogLevel:JasperFx"] = "Trace"
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}

public partial class PersonalDataInLogsTests(LogCapturingAppFixture app) : IClassFixture<LogCapturingAppFixture>
{
    [Fact]
    public async Task intake_and_triage_leave_no_personal_data_in_the_logs()
    {
        var intake = Samples.UrgentIntake() with { Notes = "Private note: panic attacks at night." };
        var (submitted, body) = await app.Host.Post("/api/intake", intake);
        submitted.ShouldBe(HttpStatusCode.Created, body?.ToJsonString());
        var id = body!["referralId"]!.GetValue<Guid>();

        // Refused (risk not acknowledged) and accepted-shaped requests both go through the pipeline.
        await app.Host.Post($"/api/referrals/{id}/triage", new { priority = "routine", note = "Private triage note." }, Tokens.Coordinator);
        var (routine, routineBody) = await app.Host.Post("/api/intake", Samples.Intake());
        routine.ShouldBe(HttpStatusCode.Created);
        var (triaged, _) = await app.Host.Post($"/api/referrals/{routineBody!["referralId"]}/triage",
            new { priority = "routine", note = "Private triage note." }, Tokens.Coordinator);
        triaged.ShouldBe(HttpStatusCode.OK);
        await app.Host.Post("/api/intake", "{ \"client\": { \"firstName\": \"Ann\", \"email\": \"ann@example.org\" }, \"sessionType\": 7 }");

        var client = intake.Client!;
        string[] personal =
        [
            client.FirstName!, client.LastName!, client.Email!, client.Phone!, client.DateOfBirth!.Value.ToString("yyyy-MM-dd"),
            intake.Payment!.MemberId!, intake.Notes!, "Private triage note"
        ];
        var lines = app.Logs.Lines.ToArray();
        lines.ShouldNotBeEmpty();
        ShouldNotLeak(lines, personal);
    }

    [Fact]
    public async Task a_nul_in_the_notes_is_refused_and_no_text_around_it_reaches_the_logs()
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(Samples.Intake() with { Client = Samples.Intake().Client! with { LastName = "Quendrell" } }, Http.Json)!
            .AsObject();
        json["notes"] = "Hears voices at night \u0000 since the accident";

        var lines = await LinesDuring(async () =>
        {
            var (status, problem) = await app.Host.Post("/api/intake", json.ToJsonString());
            status.ShouldBe(HttpStatusCode.BadRequest, problem?.ToJsonString());
        });

        ShouldNotLeak(lines, ["Hears voices at night", "since the accident", "Quendrell"]);
        ShouldBeOneQuietLine(lines, "/api/intake");
    }

    [Fact]
    public async Task client_errors_log_one_information_line_without_a_stack_trace_or_values()
    {
        // Malformed JSON, a wrong type and a refused rule.
        foreach (var body in new[]
                 {
                     "{ \"client\": { \"firstName\": \"Thaddeus\", \"lastName\": \"Quimby",
                     "{ \"client\": { \"firstName\": \"Thaddeus\", \"lastName\": \"Quimby\" }, \"sessionType\": 7 }",
                     "{ \"client\": { \"firstName\": \"Thaddeus\", \"lastName\": \"Quimby\" } }"
                 })
        {
            var lines = await LinesDuring(async () => (await app.Host.Post("/api/intake", body)).Status.ShouldBe(HttpStatusCode.BadRequest));
            ShouldNotLeak(lines, ["Thaddeus", "Quimby"]);
            ShouldBeOneQuietLine(lines, "/api/intake");
        }
    }

    [Fact]
    public async Task a_booking_overlap_is_a_409_logged_once_without_the_database_error()
    {
        var clinician = await app.Host.OnboardedClinician(weeklyNewClientLimit: 10);
        var first = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();
        var second = await app.Host.SubmittedReferral().Triaged().ProposedTo(clinician).Accepted();
        var start = app.Host.Now().AddDays(4);
        (await first.Command("first-session", new { startsAt = start, format = "telehealth", overrideReason = ReferralScenarios.AnyTime })).Status.ShouldBe(HttpStatusCode.Created);

        var lines = await LinesDuring(async () =>
            (await second.Command("first-session", new { startsAt = start.AddMinutes(10), format = "telehealth", overrideReason = ReferralScenarios.AnyTime })).Status
            .ShouldBe(HttpStatusCode.Conflict));

        ShouldBeOneQuietLine(lines, "/api/referrals/{referralId}/first-session");
        lines.ShouldNotContain(l => l.Contains("first_sessions_do_not_overlap") && !l.StartsWith("Debug") && !l.StartsWith("Trace"));
    }

    [Fact]
    public async Task a_database_error_that_quotes_personal_data_leaves_none_in_the_logs()
    {
        // Past every check in front: PostgreSQL refuses the NUL and quotes the JSON around it in its error.
        var intake = Samples.Intake() with
        {
            Client = Samples.Intake().Client! with { FirstName = "Ysolde", LastName = "Marchbanks" },
            Notes = "Panic attacks on the bus \u0000 every morning"
        };
        var lines = await LinesDuring(async () =>
        {
            await using var session = app.Store.LightweightSession();
            session.Events.StartStream<Referral>(Guid.CreateVersion7(),
                new IntakeSubmitted(SubmitIntakeHandler.Kept(intake), new DateOnly(2026, 3, 2), Matching.Service.Shared.AgeGroup.Adult));
            await Should.ThrowAsync<Exception>(() => session.SaveChangesAsync());
        });

        lines.ShouldContain(l => l.Contains("22P05"), "the failure is logged, by its SQL state");
        ShouldNotLeak(lines, ["Ysolde", "Marchbanks", "Panic attacks on the bus", "every morning"]);
    }

    [Fact]
    public async Task a_command_that_fails_in_its_handler_leaves_no_personal_data_in_the_logs()
    {
        // Sent on the bus, past the HTTP checks: the handler's save fails and Wolverine logs the failed invocation.
        var intake = Samples.Intake() with
        {
            Client = Samples.Intake().Client! with { FirstName = "Ottoline", LastName = "Quenby" },
            Notes = "Cannot sleep \u0000 since the move"
        };
        var lines = await LinesDuring(async () =>
        {
            using var scope = app.Host.Services.CreateScope();
            var bus = scope.ServiceProvider.GetRequiredService<Wolverine.IMessageBus>();
            await Should.ThrowAsync<Exception>(() => bus.AskAsync(new SubmitIntake(intake, null), CancellationToken.None));
        });

        lines.ShouldContain(l => l.Contains("22P05"), "the failure is logged, by its SQL state");
        ShouldNotLeak(lines, ["Ottoline", "Quenby", "Cannot sleep", "since the move"]);
    }

    [Fact]
    public async Task the_same_idempotency_key_sent_at_once_leaves_no_personal_data_in_the_logs()
    {
        var intake = Samples.Intake() with { Client = Samples.Intake().Client! with { FirstName = "Perpetua", LastName = "Oakenshield" } };
        var key = Guid.NewGuid().ToString();
        var lines = await LinesDuring(async () =>
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                app.Host.Post("/api/intake", intake, headers: new Dictionary<string, string> { ["Idempotency-Key"] = key })));
            answers.ShouldAllBe(a => a.Status == HttpStatusCode.Created || a.Status == HttpStatusCode.OK);
        });

        ShouldNotLeak(lines, ["Perpetua", "Oakenshield"]);
        lines.ShouldNotContain(l => l.StartsWith("Warning") || l.StartsWith("Error") || l.StartsWith("Critical"));
    }

    private async Task<string[]> LinesDuring(Func<Task> action)
    {
        var before = app.Logs.Lines.Count;
        await action();
        return app.Logs.Lines.Skip(before).ToArray();
    }

    /// <summary>Nothing above Information, no stack trace, and one line saying what was refused.</summary>
    private static void ShouldBeOneQuietLine(string[] lines, string route)
    {
        lines.Where(l => l.StartsWith("Warning") || l.StartsWith("Error") || l.StartsWith("Critical")).ShouldBeEmpty();
        lines.Where(l => StackFrame().IsMatch(l)).Select(l => l[..Math.Min(300, l.Length)]).ShouldBeEmpty();
        lines.Count(l => l.StartsWith("Information Matching.Service.Infrastructure.ClientFailureHandler: Refused") && l.Contains(route))
            .ShouldBe(1, string.Join("\n", lines.Where(l => l.Contains("Refused"))));
    }

    private static void ShouldNotLeak(IEnumerable<string> lines, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            // Whole words only: a short name such as "Lee" must not match inside SQL or type names.
            var pattern = new Regex($@"(?<![\w@.+-]){Regex.Escape(value)}(?![\w@])", RegexOptions.IgnoreCase);
            var leaks = lines.Where(l => pattern.IsMatch(l)).ToArray();
            leaks.ShouldBeEmpty($"'{value}' appeared in the logs:\n{string.Join("\n", leaks.Take(3))}");
        }
    }

    [GeneratedRegex(@"\n\s+at \S+")]
    private static partial Regex StackFrame();
}
