using Marten;
using Marten.Services;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Npgsql;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Wolverine logs a request body it can't read (malformed JSON, a wrong type) as an error with the whole exception, under
/// the body type's name (<c>ILogger&lt;T&gt;</c>). For the service that is a client's mistake, answered 400 and logged once
/// by <see cref="ClientFailureHandler.Describe"/>; those categories are turned off once the endpoints are known.
/// </summary>
public sealed class RequestBodyLogFilter : IConfigureOptions<LoggerFilterOptions>, IOptionsChangeTokenSource<LoggerFilterOptions>
{
    private readonly Lock _gate = new();
    private string[] _categories = [];
    private CancellationTokenSource _changed = new();

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken()
    {
        lock (_gate) return new CancellationChangeToken(_changed.Token);
    }

    public void Configure(LoggerFilterOptions options)
    {
        string[] categories;
        lock (_gate) categories = _categories;
        foreach (var category in categories) options.Rules.Add(new LoggerFilterRule(null, category, LogLevel.None, null));
    }

    /// <summary>Turns off the categories named after these request body types, and tells the logger factory.</summary>
    public void Silence(IEnumerable<Type> requestTypes)
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            // ILogger<T> is named after T's full name, nested types joined with a dot.
            _categories = requestTypes.Select(t => t.FullName!.Replace('+', '.')).Distinct().ToArray();
            changed = _changed;
            _changed = new CancellationTokenSource();
        }
        changed.Cancel();
    }
}

/// <summary>
/// Marten's own logger writes a failed command with every parameter and the whole exception at Error, and a successful one
/// with its parameters at Debug: a document's JSON, a name in a query, or the text PostgreSQL quotes around a character it
/// refuses. This one writes the SQL and what failed (types, SQL state, constraint), never values; whoever handles the
/// failure (<see cref="ClientFailureHandler"/> for a request) logs what it meant.
/// </summary>
public sealed partial class MartenCommandLogger(ILogger logger) : IMartenLogger, IMartenSessionLogger
{
    /// <summary>Installs it on the store, keeping the rest of Marten's logging (daemon, projections, schema) as it is.</summary>
    public static void Use(IServiceProvider services)
    {
        if (services.GetRequiredService<IDocumentStore>() is DocumentStore store)
            store.Options.Logger(new MartenCommandLogger(services.GetRequiredService<ILogger<MartenCommandLogger>>()));
    }

    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(logger, sql);

    public void LogSuccess(NpgsqlCommand command)
    {
        if (logger.IsEnabled(LogLevel.Debug)) LogExecuted(logger, command.CommandText);
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        foreach (var command in batch.BatchCommands) LogExecuted(logger, command.CommandText);
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => LogFailed(ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) => LogFailed(ex);

    public void LogFailure(Exception ex, string message)
    {
        var postgres = ex as PostgresException ?? ex.InnerException as PostgresException;
        LogMartenFailure(logger, message, ex.GetType().Name, postgres?.SqlState, postgres?.ConstraintName);
    }

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    private void LogFailed(Exception ex)
    {
        var postgres = ex as PostgresException ?? ex.InnerException as PostgresException;
        LogCommandFailed(logger, ex.GetType().Name, postgres?.SqlState, postgres?.ConstraintName);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed schema update SQL:\n{Sql}")]
    private static partial void LogSchemaChange(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten executed: {Sql}")]
    private static partial void LogExecuted(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Marten command failed: {ExceptionType}, SQL state {SqlState}, constraint {Constraint}")]
    private static partial void LogCommandFailed(ILogger logger, string exceptionType, string? sqlState, string? constraint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marten: {Message} ({ExceptionType}, SQL state {SqlState}, constraint {Constraint})")]
    private static partial void LogMartenFailure(ILogger logger, string message, string exceptionType, string? sqlState, string? constraint);
}

/// <summary>
/// ASP.NET Core's hosting and routing loggers write each request's path (information and debug), and a client's link
/// carries its secret token in the path (docs/adr/0032-client-link.md). Those categories log only warnings and errors,
/// whatever the configuration asks: the service's own lines and the traces (whose path is redacted) say what happened.
/// </summary>
public sealed class RequestPathLogFilter : IConfigureOptions<LoggerFilterOptions>
{
    public static readonly string[] Categories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Server.Kestrel"];

    public void Configure(LoggerFilterOptions options)
    {
        foreach (var category in Categories) options.Rules.Add(new LoggerFilterRule(null, category, LogLevel.Warning, null));
    }
}
