using Hl7.Fhir.Model;
using Matching.Service.Fhir;

namespace Matching.Tests.Fhir;

/// <summary>
/// Referrals as a partner's system sends them, modelled on HL7 BSeR's examples: a ServiceRequest from a primary-care
/// practitioner with the Patient, Coverage and the PHQ-9 QuestionnaireResponse as supporting information.
/// </summary>
public static class BserExamples
{
    public const string Clinic = "org-riverside-family-medicine";
    public const string OtherClinic = "org-lakeside-pediatrics";
    public const string IdentifierSystem = "https://riverside.example/fhir/referral-ids";

    public static Patient Patient(string? birthDate = "1991-04-12") => new()
    {
        Id = "patient",
        Name = [new HumanName { Use = HumanName.NameUse.Official, Family = "Okafor", Given = ["Adaeze"] }],
        Telecom =
        [
            new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, "adaeze.okafor@example.com"),
            new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "303 555 0142")
        ],
        BirthDate = birthDate,
        Address = [new Address { Use = Address.AddressUse.Home, City = "Denver", State = "CO", PostalCode = "80205" }],
        Communication = [new Patient.CommunicationComponent { Language = FhirResources.Concept("urn:ietf:bcp:47", "en", "English"), Preferred = true }]
    };

    public static Coverage Coverage() => new()
    {
        Id = "coverage",
        Status = FinancialResourceStatusCodes.Active,
        SubscriberId = "AET-448812",
        Beneficiary = new ResourceReference("#patient"),
        Payor = [new ResourceReference { Display = "Aetna" }]
    };

    /// <summary>The client pays themselves (HL7's self-pay coverage type), up to <paramref name="maxSessionRate" /> a session.</summary>
    public static Coverage SelfPay(decimal? maxSessionRate = 120m)
    {
        var coverage = new Coverage
        {
            Id = "coverage",
            Status = FinancialResourceStatusCodes.Active,
            Type = FhirResources.Concept(FhirIntake.SelfPaySystem, "pay", "PAY"),
            Beneficiary = new ResourceReference("#patient"),
            Payor = [new ResourceReference("#patient")]
        };
        if (maxSessionRate is { } rate)
            coverage.SetExtension(FhirIntake.MaxSessionRateExtension, new Money { Value = rate, Currency = Money.Currencies.USD });
        return coverage;
    }

    /// <summary>PHQ-9 item 9 answered as given (LOINC LA6568-5 "Not at all" ... LA6571-9 "Nearly every day").</summary>
    public static QuestionnaireResponse Phq9(string answer = "LA6568-5") => new()
    {
        Id = "phq9",
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Questionnaire = "http://loinc.org/q/44249-1",
        Subject = new ResourceReference("#patient"),
        Item =
        [
            new QuestionnaireResponse.ItemComponent
            {
                LinkId = FhirIntake.SafetyQuestion,
                Text = "Thoughts that you would be better off dead, or of hurting yourself in some way",
                Answer = [new QuestionnaireResponse.AnswerComponent { Value = new Coding(FhirIntake.Loinc, answer) }]
            }
        ]
    };

    /// <summary>A depression referral (SNOMED CT 35489007) with anxiety (ICD-10-CM F41.1), resources contained.</summary>
    public static ServiceRequest Referral(string identifier, Patient? patient = null, RequestPriority priority = RequestPriority.Routine,
        string safetyAnswer = "LA6568-5")
    {
        var request = new ServiceRequest
        {
            Identifier = [new Identifier(IdentifierSystem, identifier)],
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Priority = priority,
            Category = [FhirResources.Concept(FhirIntake.Snomed, "306136006", "Referral to mental health service")],
            Code = FhirResources.Concept(FhirIntake.Snomed, "304891004", "Cognitive behavioral therapy"),
            Subject = new ResourceReference("#patient"),
            Requester = new ResourceReference { Display = "Dr. Priya Raman, Riverside Family Medicine" },
            ReasonCode =
            [
                FhirResources.Concept(FhirIntake.Snomed, "35489007", "Depressive disorder"),
                FhirResources.Concept(FhirIntake.Icd10, "F41.1", "Generalized anxiety disorder")
            ],
            Insurance = [new ResourceReference("#coverage")],
            SupportingInfo = [new ResourceReference("#phq9")],
            Note = [new Annotation { Text = "Low mood since a job loss in the spring; prefers evening sessions." }],
            AuthoredOn = "2026-12-01"
        };
        request.Contained = [patient ?? Patient(), Coverage(), Phq9(safetyAnswer)];
        return request;
    }

    /// <summary>The same referral as a message Bundle: a MessageHeader whose focus is the ServiceRequest, then the resources.</summary>
    public static Bundle Message(string identifier)
    {
        var bundle = Transaction(identifier);
        bundle.Type = Bundle.BundleType.Message;
        foreach (var entry in bundle.Entry) entry.Request = null;
        bundle.Entry.Insert(0, new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{Guid.NewGuid()}",
            Resource = new MessageHeader
            {
                Event = new Coding("http://hl7.org/fhir/us/bser/CodeSystem/BSeRReferralMessageTypeCS", "referral-request"),
                Source = new MessageHeader.MessageSourceComponent { Endpoint = "https://riverside.example/fhir" },
                Focus = [new ResourceReference(bundle.Entry[0].FullUrl)]
            }
        });
        return bundle;
    }

    /// <summary>The same referral as a transaction Bundle: the resources beside the ServiceRequest rather than contained.</summary>
    public static Bundle Transaction(string identifier)
    {
        var request = Referral(identifier);
        var beside = request.Contained.ToList();
        request.Contained = [];
        // Beside it rather than contained, each resource is referred to by its entry's fullUrl, not as "#id".
        var fullUrls = beside.ToDictionary(r => $"#{r.Id}",
            r => r is Patient ? "urn:uuid:0c1a2f5e-1d0e-4d57-9a3c-6f7b2b1e0a01" : $"urn:uuid:{Guid.NewGuid()}");
        var references = request.Insurance.Concat(request.SupportingInfo).Append(request.Subject)
            .Concat(beside.OfType<Coverage>().SelectMany(c => c.Payor.Append(c.Beneficiary)))
            .Concat(beside.OfType<QuestionnaireResponse>().Select(q => q.Subject));
        foreach (var reference in references)
            if (reference?.Reference is { } local && fullUrls.TryGetValue(local, out var fullUrl)) reference.Reference = fullUrl;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var resource in beside.Prepend(request))
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = fullUrls.GetValueOrDefault($"#{resource.Id}") ?? $"urn:uuid:{Guid.NewGuid()}",
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName }
            });
        return bundle;
    }
}
