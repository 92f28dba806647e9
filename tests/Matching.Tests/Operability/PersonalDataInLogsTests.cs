using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
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

public class PersonalDataInLogsTests(LogCapturingAppFixture app) : IClassFixture<LogCapturingAppFixture>
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
        foreach (var value in personal)
        {
            // Whole words only: a short name such as "Lee" must not match inside SQL or type names.
            var pattern = new Regex($@"(?<![\w@.+-]){Regex.Escape(value)}(?![\w@])", RegexOptions.IgnoreCase);
            var leaks = lines.Where(l => pattern.IsMatch(l)).ToArray();
            leaks.ShouldBeEmpty($"'{value}' appeared in the logs:\n{string.Join("\n", leaks.Take(3))}");
        }
    }
}
