using Matching.Service.Fhir;
using Matching.Service.Referrals;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Matching.Tests.Fhir;

/// <summary>Where a referral stands, as the Task's status a partner reads (docs/adr/0036-fhir-referrals.md), without a database.</summary>
public class FhirTaskStatusTests
{
    [Theory]
    [InlineData(ReferralStatus.AwaitingTriage, null, FhirTask.TaskStatus.Requested)]
    [InlineData(ReferralStatus.AwaitingMatch, null, FhirTask.TaskStatus.Accepted)]
    [InlineData(ReferralStatus.Waitlisted, null, FhirTask.TaskStatus.Accepted)]
    [InlineData(ReferralStatus.Proposed, null, FhirTask.TaskStatus.InProgress)]
    [InlineData(ReferralStatus.Accepted, null, FhirTask.TaskStatus.InProgress)]
    [InlineData(ReferralStatus.Booked, null, FhirTask.TaskStatus.InProgress)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.Engaged, FhirTask.TaskStatus.Completed)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.Ineligible, FhirTask.TaskStatus.Rejected)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.ReferredOut, FhirTask.TaskStatus.Rejected)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.Withdrawn, FhirTask.TaskStatus.Cancelled)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.Duplicate, FhirTask.TaskStatus.Cancelled)]
    [InlineData(ReferralStatus.Closed, ClosureOutcome.Unreachable, FhirTask.TaskStatus.Cancelled)]
    public void each_referral_status_reads_as_a_task_status(ReferralStatus status, ClosureOutcome? outcome, FhirTask.TaskStatus expected)
    {
        var referral = new Referral
        {
            Status = status,
            Closure = outcome is { } o ? new Closure(o, null, DateTimeOffset.UnixEpoch) : null
        };

        FhirResources.StatusOf(referral).ShouldBe(expected);
    }
}
