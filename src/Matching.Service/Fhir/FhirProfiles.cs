using System.Diagnostics;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Matching.Service.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace Matching.Service.Fhir;

/// <summary>
/// Checks a received resource against the base R4 StructureDefinitions (the specification.zip shipped beside the
/// service) with Firely's validator: the profiles' invariants (cpt-2, ref-1, bdl-*...) and required bindings to the
/// specification's own code systems, which the strict parser does not check. Terminology is checked locally only: a
/// code the specification cannot judge (SNOMED CT, LOINC, ICD-10, another server's value set) is at most a warning.
/// </summary>
public sealed class FhirProfiles
{
    /// <summary>
    /// One per process: the specification never changes, and compiling its schemas costs seconds of CPU, so hosts that
    /// share a process (the tests' fixtures) share the compiled schemas too.
    /// </summary>
    public static FhirProfiles R4 { get; } = new();

    // Firely's Validator and its resolver caches are not thread-safe: requests take turns. A validation after
    // warm-up takes milliseconds, and referrals arrive a few a minute at most; one that waits longer than
    // BusyAfter (a warm-up or a huge Bundle ahead of it) is told to come back rather than holding its thread.
    private readonly SemaphoreSlim _gate = new(1, 1);
    public static readonly TimeSpan BusyAfter = TimeSpan.FromSeconds(20);

    // Built on first use under the gate; a failed build is not kept, so the next referral tries again.
    private Validator? _validator;

    private FhirProfiles()
    {
    }

    private static Validator Create()
    {
        // specification.zip is copied to the output (and published) by Hl7.Fhir.Specification.Data.R4.
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        var terminology = LocalTerminologyService.CreateDefaultForCore(resolver);
        return new Validator(resolver, terminology, settings: new ValidationSettings
        {
            // A terminology call that fails (a code system the local service does not hold) cannot tell valid from
            // invalid: a warning, never a refusal.
            HandleValidateCodeServiceFailure = (_, _) => TerminologyServiceExceptionResult.Warning,
            // The profiles a resource claims (BSeR's, a partner's own) are not in the base specification: they are
            // not checked, rather than each being an error for want of its definition.
            SelectValidationProfiles = (_, _, _, _) => []
        });
    }

    /// <summary>
    /// The resource's errors as an OperationOutcome, one issue per problem with the element it is about; null when
    /// it has none (warnings and information don't refuse).
    /// </summary>
    public async Task<OperationOutcome?> ErrorsAsync(Resource resource, CancellationToken ct = default)
    {
        if (!await _gate.WaitAsync(BusyAfter, ct)) throw new FhirValidatorBusyException();
        OperationOutcome outcome;
        try
        {
            outcome = (_validator ??= Create()).Validate(resource);
        }
        finally
        {
            _gate.Release();
        }

        var errors = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .ToList();
        if (errors.Count == 0) return null;
        foreach (var issue in errors)
        {
            // The validator's diagnostics trace its StructureDefinitions; the sender needs the message.
            if (issue.Details?.Text is { Length: > 0 } message) issue.Diagnostics = message;
            if (!issue.Expression.Any()) issue.Expression = issue.Location;
        }
        return new OperationOutcome { Issue = errors };
    }

    /// <summary>
    /// Compiles the schemas a referral uses: a made-up ServiceRequest with the elements and data types partners send
    /// (its Patient, Coverage and answers contained), alone and in a message and a transaction Bundle.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        const string entry = "urn:uuid:6f1e0d4c-0000-4000-8000-000000000001";
        var request = new ServiceRequest
        {
            Identifier = [new Identifier("urn:warm-up", "0")],
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Priority = RequestPriority.Routine,
            Category = [FhirResources.Concept("urn:warm-up", "0", null)],
            Code = FhirResources.Concept("urn:warm-up", "0", null),
            ReasonCode = [FhirResources.Concept("urn:warm-up", "0", null)],
            Subject = new ResourceReference("#p"),
            Requester = new ResourceReference { Display = "warm-up" },
            Insurance = [new ResourceReference("#c")],
            SupportingInfo = [new ResourceReference("#q")],
            Note = [new Annotation { Text = "warm-up" }],
            AuthoredOn = "2026-01-01",
            Contained =
            [
                new Patient
                {
                    Id = "p",
                    Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "-", Given = ["-"] }],
                    Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "0")],
                    BirthDate = "2000-01-01",
                    Address = [new Address { Use = Address.AddressUse.Home, State = "-", PostalCode = "0" }],
                    Communication = [new Patient.CommunicationComponent { Language = FhirResources.Concept("urn:ietf:bcp:47", "en", null), Preferred = true }]
                },
                new Coverage
                {
                    Id = "c", Status = FinancialResourceStatusCodes.Active, SubscriberId = "0",
                    Type = FhirResources.Concept(FhirIntake.SelfPaySystem, "pay", null),
                    Beneficiary = new ResourceReference("#p"), Payor = [new ResourceReference("#p")],
                    Extension = [new Extension(FhirIntake.MaxSessionRateExtension, new Money { Value = 0, Currency = Money.Currencies.USD })]
                },
                new QuestionnaireResponse
                {
                    Id = "q", Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed, Questionnaire = "urn:warm-up",
                    Subject = new ResourceReference("#p"),
                    Item = [new QuestionnaireResponse.ItemComponent { LinkId = "0", Text = "-", Answer = [new() { Value = new Coding("urn:warm-up", "0") }] }]
                }
            ]
        };
        await ErrorsAsync(request, ct);
        await ErrorsAsync(new Bundle
        {
            Type = Bundle.BundleType.Message,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:6f1e0d4c-0000-4000-8000-000000000002",
                    Resource = new MessageHeader
                    {
                        Event = new Coding("urn:warm-up", "0"),
                        Source = new MessageHeader.MessageSourceComponent { Endpoint = "urn:warm-up" },
                        Focus = [new ResourceReference(entry)]
                    }
                },
                new Bundle.EntryComponent { FullUrl = entry, Resource = request }
            ]
        }, ct);
        await ErrorsAsync(new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = entry, Resource = request,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest" }
                }
            ]
        }, ct);
    }
}

/// <summary>Validations queued longer than <see cref="FhirProfiles.BusyAfter"/>: the sender is asked to retry (503).</summary>
public sealed class FhirValidatorBusyException() : Exception("The FHIR validator is busy.");

public static class FhirSetup
{
    public static void AddMatchingFhir(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(FhirProfiles.R4);
        var subscriptions = new FhirSubscriptionOptions();
        builder.Configuration.GetSection(FhirSubscriptionOptions.Section).Bind(subscriptions);
        // A malformed list stops the start rather than every failed notification.
        _ = subscriptions.RetryDelays();
        builder.Services.AddSingleton(subscriptions);
        builder.Services.AddSingleton<SubscriptionHeaderSealer>();
        builder.Services.AddSingleton<TaskNotifier>();
        TaskNotifier.AddClient(builder.Services);
        // A worker receives no referrals: nothing to warm. An API node that takes none (Fhir:WarmUpValidator false)
        // saves the seconds of CPU and the memory until a first referral comes.
        if (NodeRoles.Of(builder.Configuration).ServesRequests() && builder.Configuration.GetValue("Fhir:WarmUpValidator", true))
            builder.Services.AddHostedService<FhirProfilesWarmUp>();
    }
}

/// <summary>
/// Compiles the validator's schemas in the background once the node starts, so the first partner's referral doesn't
/// wait seconds for it. Not part of readiness: until it is done, a referral waits for it instead.
/// </summary>
public sealed class FhirProfilesWarmUp(FhirProfiles profiles, ILogger<FhirProfilesWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A stopping host stops waiting for it rather than for seconds of compiling.
            await Task.Run(() => profiles.WarmUpAsync(stoppingToken), CancellationToken.None).WaitAsync(stoppingToken);
            logger.LogInformation("FHIR profile validation warmed up in {Milliseconds:0} ms", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The first referral builds it again (a failed build is not kept) and, failing too, is answered 500.
            logger.LogWarning(e, "FHIR profile validation could not warm up");
        }
    }
}
