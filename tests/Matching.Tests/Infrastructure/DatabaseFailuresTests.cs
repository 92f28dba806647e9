using System.Net.Sockets;
using JasperFx;
using JasperFx.Events;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Npgsql;

namespace Matching.Tests.Infrastructure;

/// <summary>One reading of a failed database call for the API, the pages and the intake alike.</summary>
public class DatabaseFailuresTests
{
    private static PostgresException Postgres(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);

    public static TheoryData<Exception, DatabaseFailure> Failures => new()
    {
        { new ConcurrencyException("stale", null, Guid.Empty), DatabaseFailure.StreamMoved },
        { new EventStreamUnexpectedMaxEventIdException(Guid.Empty, typeof(Referral), 3, 4), DatabaseFailure.StreamMoved },
        { new Marten.Exceptions.ExistingStreamIdCollisionException(Guid.Empty, typeof(Referral)), DatabaseFailure.StreamExists },
        { new JasperFx.Events.ExistingStreamIdCollisionException(Guid.Empty, typeof(Referral)), DatabaseFailure.StreamExists },
        { Postgres(PostgresErrorCodes.SerializationFailure), DatabaseFailure.TransactionConflict },
        { Postgres(PostgresErrorCodes.DeadlockDetected), DatabaseFailure.TransactionConflict },
        { Postgres(PostgresErrorCodes.ExclusionViolation), DatabaseFailure.Overlap },
        { Postgres(PostgresErrorCodes.UniqueViolation), DatabaseFailure.Duplicate },
        { Postgres(PostgresErrorCodes.AdminShutdown), DatabaseFailure.Unavailable },
        { Postgres(PostgresErrorCodes.CannotConnectNow), DatabaseFailure.Unavailable },
        { new NpgsqlException("broken", new SocketException((int)SocketError.ConnectionRefused)), DatabaseFailure.Unavailable },
        { new NpgsqlException("timed out", new TimeoutException()), DatabaseFailure.Unavailable },
        { Postgres(PostgresErrorCodes.UntranslatableCharacter), DatabaseFailure.UnstorableText },
        { Postgres(PostgresErrorCodes.CharacterNotInRepertoire), DatabaseFailure.UnstorableText },
        { Postgres(PostgresErrorCodes.ForeignKeyViolation), DatabaseFailure.None },
        { new InvalidOperationException("a bug"), DatabaseFailure.None }
    };

    [Theory, MemberData(nameof(Failures))]
    public void each_failure_reads_the_same_wherever_it_is_caught(Exception failure, DatabaseFailure expected)
    {
        DatabaseFailures.Classify(failure).ShouldBe(expected);
        // Marten and Wolverine wrap what the server said.
        DatabaseFailures.Classify(new Marten.Exceptions.MartenCommandException(null!, failure)).ShouldBe(expected);
        DatabaseFailures.Classify(new AggregateException(new InvalidOperationException("first"), failure)).ShouldBe(expected);
    }

    [Fact]
    public void the_outermost_cause_that_means_something_wins()
    {
        var stale = new ConcurrencyException("stale", Postgres(PostgresErrorCodes.UniqueViolation));

        DatabaseFailures.Classify(stale).ShouldBe(DatabaseFailure.StreamMoved);
    }

    [Fact]
    public void only_a_moved_stream_or_a_conflicting_transaction_is_someone_else_first()
    {
        Enum.GetValues<DatabaseFailure>().Where(f => f.IsConcurrent())
            .ShouldBe([DatabaseFailure.StreamMoved, DatabaseFailure.TransactionConflict]);
    }
}
