using Hl7.Fhir.Model;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Matching.Service.Fhir;

/// <summary>
/// What a referring organization reads back of its referral: the Task that tracks it and the ServiceRequest it sent,
/// computed from the referral. Never more than the organization sent plus the outcome: no notes, no clinician, no
/// session times, no contact details.
/// </summary>
public static class FhirResources
{
    /// <summary>The practice's own code system for where a referral stands (Task.businessStatus, Task.statusReason).</summary>
    public const string StatusSystem = "https://matching.example/fhir/CodeSystem/referral-status";
    public const string OutcomeSystem = "https://matching.example/fhir/CodeSystem/referral-outcome";

    /// <summary>The Task's status for where the referral stands (docs/adr/0036-fhir-referrals.md).</summary>
    public static FhirTask.TaskStatus StatusOf(Referral referral) => referral.Status switch
    {
        ReferralStatus.AwaitingTriage => FhirTask.TaskStatus.Requested,
        ReferralStatus.AwaitingMatch or ReferralStatus.Waitlisted => FhirTask.TaskStatus.Accepted,
        ReferralStatus.Proposed or ReferralStatus.Accepted or ReferralStatus.Booked => FhirTask.TaskStatus.InProgress,
        _ => referral.Closure?.Outcome switch
        {
            ClosureOutcome.Engaged => FhirTask.TaskStatus.Completed,
            ClosureOutcome.Ineligible or ClosureOutcome.ReferredOut => FhirTask.TaskStatus.Rejected,
            _ => FhirTask.TaskStatus.Cancelled
        }
    };

    public static FhirTask TaskOf(Referral referral)
    {
        var partner = referral.Partner!;
        var id = referral.Id.ToString();
        var task = new FhirTask
        {
            Id = id,
            // To the microsecond the search compares (TaskSearch.Stored): a client's gt its last lastUpdated skips that change.
            Meta = new Meta { LastUpdated = TaskSearch.Stored(referral.StatusSince) },
            Identifier = [IdentifierOf(partner)],
            BasedOn = [new ResourceReference($"ServiceRequest/{id}")],
            Focus = new ResourceReference($"ServiceRequest/{id}"),
            Status = StatusOf(referral),
            BusinessStatus = Concept(StatusSystem, Words.Wire(referral.Status), Words.Label(referral.Status)),
            Intent = FhirTask.TaskIntent.Order,
            Priority = partner.UrgentRequested ? RequestPriority.Urgent : RequestPriority.Routine,
            AuthoredOn = referral.SubmittedAt.ToString("o"),
            LastModified = TaskSearch.Stored(referral.StatusSince).ToString("o")
        };
        if (referral.Closure is { } closure)
            task.StatusReason = Concept(OutcomeSystem, Words.Wire(closure.Outcome), Words.Label(closure.Outcome));
        if (partner.Requester is { } requester) task.Requester = new ResourceReference { Display = requester };
        return task;
    }

    /// <summary>The request as the organization sent it (its identifier, codes, requester, priority), with where it stands.</summary>
    public static ServiceRequest ServiceRequestOf(Referral referral)
    {
        var partner = referral.Partner!;
        var request = new ServiceRequest
        {
            Id = referral.Id.ToString(),
            Meta = new Meta { LastUpdated = TaskSearch.Stored(referral.StatusSince) },
            Identifier = [IdentifierOf(partner)],
            Status = referral.Status != ReferralStatus.Closed ? RequestStatus.Active
                : referral.Closure?.Outcome == ClosureOutcome.Engaged ? RequestStatus.Completed : RequestStatus.Revoked,
            Intent = RequestIntent.Order,
            Priority = partner.UrgentRequested ? RequestPriority.Urgent : RequestPriority.Routine,
            ReasonCode = partner.ReasonCodes.Select(c => Concept(c.System, c.Code, c.Display)).ToList(),
            AuthoredOn = referral.SubmittedAt.ToString("o"),
            // The subject as the organization named it, for its own matching; erased data reads as erased.
            Subject = new ResourceReference
            {
                Display = $"{referral.Intake.Client.FirstName} {referral.Intake.Client.LastName}".Trim()
            }
        };
        if (partner.Requester is { } requester) request.Requester = new ResourceReference { Display = requester };
        return request;
    }

    /// <summary>One coding with its display (the SDK's three-argument constructor puts the third in the text).</summary>
    public static CodeableConcept Concept(string? system, string? code, string? display) =>
        new() { Coding = [new Coding(system, code, display)] };

    private static Identifier IdentifierOf(PartnerReferralReceived partner)
    {
        var parts = partner.RequestIdentifier.Split('|', 2);
        return parts.Length == 2 ? new Identifier(parts[0], parts[1]) : new Identifier { Value = parts[0] };
    }

    public static CapabilityStatement Capabilities(DateTimeOffset published)
    {
        CapabilityStatement.ResourceComponent Resource(string type, IEnumerable<CapabilityStatement.TypeRestfulInteraction> interactions) => new()
        {
            Type = type,
            Interaction = interactions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList()
        };
        var task = Resource("Task", [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType]);
        task.SearchParam =
        [
            new CapabilityStatement.SearchParamComponent
            {
                Name = "based-on", Type = SearchParamType.Reference,
                Documentation = "ServiceRequest/{id}: the Task tracking that referral"
            },
            new CapabilityStatement.SearchParamComponent
            {
                Name = TaskSearch.LastUpdatedParameter, Type = SearchParamType.Date,
                Definition = "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
                Documentation = "When the referral last changed where it stands. Prefixes eq (the default), ne, gt, ge, lt, le, sa, eb; " +
                                "a date (read in UTC) or a dateTime with its zone stands for its whole precision; repeated, the values " +
                                "combine as AND. To poll, send gt the newest meta.lastUpdated already read."
            },
            new CapabilityStatement.SearchParamComponent
            {
                Name = TaskSearch.CountParameter, Type = SearchParamType.Number,
                Documentation = $"Tasks per page: {TaskSearch.DefaultCount} unless given, at most {TaskSearch.MaxCount}, 0 for the total alone. " +
                                "Further pages through the Bundle's next link."
            }
        ];
        task.Documentation = "Search answers the caller's organization's Tasks, oldest change first, with the total and self and next links; " +
                             "the next link carries a cursor (_cursor), so a Task that changes while a client pages is read again at the " +
                             "end rather than shifting or skipping others. Search parameters other than those listed are refused with " +
                             "a 400 OperationOutcome naming the parameter, whatever Prefer: handling says.";
        var subscription = Resource("Subscription",
        [
            CapabilityStatement.TypeRestfulInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Read,
            CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Delete,
            CapabilityStatement.TypeRestfulInteraction.SearchType
        ]);
        subscription.Documentation = "rest-hook Subscriptions to the organization's Tasks: criteria Task, or Task?based-on=ServiceRequest/{id}; " +
                                     "an https endpoint; payload absent (an empty POST) or application/fhir+json (the Task POSTed); headers " +
                                     "sent back with each notification and never shown. A Task is notified when its status changes, at least " +
                                     "once; after repeated failures the subscription is in error until it is updated (PUT).";
        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = published.ToString("yyyy-MM-dd"),
            Kind = CapabilityStatementKind.Instance,
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json"],
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Matching referrals (HL7 BSeR-style ServiceRequest in, Task out)" },
            Rest =
            [
                new CapabilityStatement.RestComponent
                {
                    Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                    Security = new CapabilityStatement.SecurityComponent
                    {
                        Service = [Concept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")],
                        Description = "Bearer tokens (OAuth2 client credentials) with the role referrer and a referrer_org claim naming the organization; " +
                                      "an organization reads only its own referrals."
                    },
                    Resource =
                    [
                        Resource("ServiceRequest", [CapabilityStatement.TypeRestfulInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Read]),
                        task,
                        Resource("Bundle", [CapabilityStatement.TypeRestfulInteraction.Create]),
                        subscription
                    ]
                }
            ]
        };
    }
}
