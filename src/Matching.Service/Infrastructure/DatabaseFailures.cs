using JasperFx;
using JasperFx.Events;
using Marten.Exceptions;
using Npgsql;

namespace Matching.Service.Infrastructure;

/// <summary>What a failed database call means for the one who asked, whoever asked (an endpoint, a page, the intake).</summary>
public enum DatabaseFailure
{
    /// <summary>Nothing this service knows how to answer: a 500.</summary>
    None,
    /// <summary>The stream moved on while the command ran (Marten's version checks).</summary>
    StreamMoved,
    /// <summary>A stream with that id was started first.</summary>
    StreamExists,
    /// <summary>PostgreSQL gave up one of two transactions: a serialization failure or a deadlock.</summary>
    TransactionConflict,
    /// <summary>An exclusion constraint: the only one is two first sessions of one clinician overlapping.</summary>
    Overlap,
    /// <summary>A unique constraint.</summary>
    Duplicate,
    /// <summary>The server restarting or shutting down, or a connection refused, broken or timed out.</summary>
    Unavailable,
    /// <summary>Text the database can't store (NUL in text or JSON), which the checks in front should have refused.</summary>
    UnstorableText
}

public static class DatabaseFailures
{
    /// <summary>The first cause, outermost first (inner and aggregated exceptions too), that means something.</summary>
    public static DatabaseFailure Classify(Exception exception)
    {
        foreach (var cause in Causes(exception))
        {
            var failure = Of(cause);
            if (failure != DatabaseFailure.None) return failure;
        }
        return DatabaseFailure.None;
    }

    /// <summary>Someone else got there first: answered 409, retried by a timer.</summary>
    public static bool IsConcurrent(this DatabaseFailure failure) =>
        failure is DatabaseFailure.StreamMoved or DatabaseFailure.TransactionConflict;

    private static DatabaseFailure Of(Exception e) => e switch
    {
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException => DatabaseFailure.StreamMoved,
        Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException => DatabaseFailure.StreamExists,
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } =>
            DatabaseFailure.TransactionConflict,
        PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation } => DatabaseFailure.Overlap,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => DatabaseFailure.Duplicate,
        // 57P01-57P03; an NpgsqlException that is not a server's answer and says trying again may work.
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow }
            or NpgsqlException { IsTransient: true } and not PostgresException
            or NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } =>
            DatabaseFailure.Unavailable,
        // 22P05, 22021
        PostgresException { SqlState: PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire } =>
            DatabaseFailure.UnstorableText,
        _ => DatabaseFailure.None
    };

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes)) yield return inner;
        }
    }
}
