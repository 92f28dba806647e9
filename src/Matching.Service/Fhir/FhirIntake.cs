using Hl7.Fhir.Model;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Consent = Matching.Service.Referrals.Consent;

namespace Matching.Service.Fhir;

/// <summary>A ServiceRequest read as the practice's intake, with where it came from; or the elements it lacks.</summary>
public sealed record FhirReferral(Intake Intake, PartnerReferralReceived Partner, string IdempotencyKey);

/// <summary>
/// Reads a BSeR-style ServiceRequest (its Patient, Coverage and QuestionnaireResponse contained, or given beside it in a
/// Bundle) into the public form's <see cref="Intake"/>, so the same validator and command decide it. The mapping is in
/// docs/adr/0036-fhir-referrals.md; what the intake validator refuses is named back in FHIR terms by <see cref="Expression"/>.
/// </summary>
public static class FhirIntake
{
    /// <summary>What a partner's idempotency key starts with: <c>fhir:{organization}:{identifier}</c>.</summary>
    public const string IdempotencyKeyPrefix = "fhir:";

    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10 = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Loinc = "http://loinc.org";

    /// <summary>PHQ-9 item 9, the question the form asks: "Thoughts that you would be better off dead, or of hurting yourself".</summary>
    public const string SafetyQuestion = "44260-8";

    /// <summary>The LOINC answers to PHQ-9 item 9, as the form's answers.</summary>
    public static readonly IReadOnlyDictionary<string, SelfHarmAnswer> SafetyAnswers = new Dictionary<string, SelfHarmAnswer>
    {
        ["LA6568-5"] = SelfHarmAnswer.NotAtAll,
        ["LA6569-3"] = SelfHarmAnswer.SeveralDays,
        ["LA6570-1"] = SelfHarmAnswer.MoreThanHalfTheDays,
        ["LA6571-9"] = SelfHarmAnswer.NearlyEveryDay
    };

    /// <summary>
    /// Reason codes the referring systems send (SNOMED CT findings and ICD-10-CM categories, as in BSeR's examples) and
    /// the practice's concern each stands for. ICD-10-CM codes match by their category, so F41.1 reads as F41.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string System, string Code), Concern> Concerns = new Dictionary<(string, string), Concern>
    {
        [(Snomed, "35489007")] = Concern.Depression,       // Depressive disorder
        [(Snomed, "370143000")] = Concern.Depression,      // Major depressive disorder
        [(Snomed, "197480006")] = Concern.Anxiety,         // Anxiety disorder
        [(Snomed, "21897009")] = Concern.Anxiety,          // Generalized anxiety disorder
        [(Snomed, "47505003")] = Concern.Trauma,           // Posttraumatic stress disorder
        [(Snomed, "66936004")] = Concern.Grief,            // Grief reaction
        [(Snomed, "73595000")] = Concern.Stress,           // Stress
        [(Snomed, "66590003")] = Concern.SubstanceUse,     // Alcohol dependence
        [(Snomed, "191736004")] = Concern.Ocd,             // Obsessive-compulsive disorder
        [(Snomed, "406506008")] = Concern.Adhd,            // Attention deficit hyperactivity disorder
        [(Snomed, "13746004")] = Concern.Bipolar,          // Bipolar disorder
        [(Snomed, "72366004")] = Concern.EatingDisorders,  // Eating disorder
        [(Snomed, "193462001")] = Concern.Sleep,           // Insomnia
        [(Icd10, "F32")] = Concern.Depression,
        [(Icd10, "F33")] = Concern.Depression,
        [(Icd10, "F41")] = Concern.Anxiety,
        [(Icd10, "F43")] = Concern.Trauma,                 // Reaction to severe stress (PTSD F43.1)
        [(Icd10, "F42")] = Concern.Ocd,
        [(Icd10, "F90")] = Concern.Adhd,
        [(Icd10, "F31")] = Concern.Bipolar,
        [(Icd10, "F50")] = Concern.EatingDisorders,
        [(Icd10, "F10")] = Concern.SubstanceUse,
        [(Icd10, "G47")] = Concern.Sleep,
        [(Icd10, "Z63")] = Concern.FamilyDynamics           // Problems related to primary support group
    };

    /// <summary>The practice's codes for who the therapy is for, on <c>ServiceRequest.code</c>.</summary>
    public const string SessionTypeSystem = "https://matching.example/fhir/CodeSystem/session-type";

    /// <summary>HL7's self-pay coverage type (<c>Coverage.type</c>): the client pays, no payer.</summary>
    public const string SelfPaySystem = "http://terminology.hl7.org/CodeSystem/coverage-selfpay";

    /// <summary>On a self-pay Coverage: the most the client can pay for a session (Money, USD), the form's own question.</summary>
    public const string MaxSessionRateExtension = "https://matching.example/fhir/StructureDefinition/max-session-rate";

    /// <summary>SNOMED CT "Family psychotherapy procedure", as a referrer's system may code the service asked for.</summary>
    public const string FamilyPsychotherapy = "108313002";

    /// <summary>
    /// Who the therapy is for, from the service asked for: the practice's own code, or SNOMED CT family psychotherapy;
    /// none, or another service (psychotherapy, counselling), is the individual therapy most referrals ask for. A code
    /// of the practice's system it doesn't define is no answer, so the intake's validator names ServiceRequest.code.
    /// </summary>
    public static SessionType? SessionTypeOf(CodeableConcept? code)
    {
        var codings = code?.Coding ?? [];
        if (codings.FirstOrDefault(c => c.System == SessionTypeSystem) is { } own)
            return own.Code switch { "individual" => SessionType.Individual, "couples" => SessionType.Couples, "family" => SessionType.Family, _ => null };
        return codings.Any(c => c.System == Snomed && c.Code == FamilyPsychotherapy) ? SessionType.Family : SessionType.Individual;
    }

    /// <summary>
    /// How the client pays: a self-pay Coverage (HL7's <c>coverage-selfpay</c> type) with the most they can pay per
    /// session in the practice's extension; any other Coverage is insurance, its payer and member id.
    /// </summary>
    public static Payment? PaymentOf(Coverage? coverage)
    {
        if (coverage is null) return null;
        if (coverage.Type?.Coding.Any(c => c.System == SelfPaySystem && c.Code == "pay") == true)
            return new Payment(PaymentMethod.SelfPay, null, null,
                coverage.GetExtension(MaxSessionRateExtension)?.Value is Money { Value: { } rate, Currency: null or Money.Currencies.USD } ? rate : null);
        return new Payment(PaymentMethod.Insurance, coverage.Payor.FirstOrDefault()?.Display,
            coverage.SubscriberId ?? coverage.Identifier.FirstOrDefault()?.Value, null);
    }

    public static Concern? ConcernOf(Coding coding)
    {
        if (coding.Code is not { Length: > 0 } code) return null;
        if (Concerns.TryGetValue((coding.System ?? "", code), out var concern)) return concern;
        // ICD-10-CM F43.21 (adjustment disorder with depressed mood... after a loss) reads as its category F43.
        return coding.System == Icd10 && Concerns.TryGetValue((Icd10, code.Split('.')[0]), out var category) ? category : null;
    }

    /// <summary>The intake's field (as the validator names it) -> the FHIR element it was read from.</summary>
    public static string Expression(string field) => field switch
    {
        "client" => "Patient",
        "client.firstName" => "Patient.name.given",
        "client.lastName" => "Patient.name.family",
        "client.email" or "client.phone" => "Patient.telecom",
        "client.dateOfBirth" => "Patient.birthDate",
        "client.state" => "Patient.address.state",
        "client.postalCode" => "Patient.address.postalCode",
        "concerns" => "ServiceRequest.reasonCode",
        "payment" or "payment.method" => "Coverage",
        "payment.payer" => "Coverage.payor",
        "payment.memberId" => "Coverage.subscriberId",
        "payment.maxSessionRate" => $"Coverage.extension('{MaxSessionRateExtension}')",
        "sessionType" => "ServiceRequest.code",
        "languages" => "Patient.communication.language",
        "safety" or "safety.thoughtsOfSelfHarm" => "QuestionnaireResponse.item",
        "notes" => "ServiceRequest.note",
        Referrals.SubmittingIntake.SubmitIntakeEndpoint.IdempotencyKeyHeader => "ServiceRequest.identifier",
        _ when field.StartsWith("languages[") => "Patient.communication.language",
        _ => "ServiceRequest"
    };

    /// <summary>
    /// The intake a ServiceRequest asks for. Missing answers stay null, so the intake's validator names them; the
    /// identifier is the one thing checked here, as it keys the referral.
    /// </summary>
    public static FhirReferral? Read(ServiceRequest request, IReadOnlyList<Bundle.EntryComponent> beside, string organization,
        out string? missingIdentifier)
    {
        missingIdentifier = null;
        var resources = request.Contained.Concat(beside.Select(e => e.Resource).OfType<Resource>()).ToList();
        var identifier = request.Identifier.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Value));
        if (identifier is null)
        {
            missingIdentifier = "ServiceRequest.identifier";
            return null;
        }

        // The resources the request points at (a family's Bundle can hold several Patients); without a reference, the
        // first of its type.
        T? Referenced<T>(ResourceReference? reference) where T : Resource => Resolve<T>(request, beside, reference?.Reference);
        var patient = Referenced<Patient>(request.Subject) ?? resources.OfType<Patient>().FirstOrDefault();
        var coverage = request.Insurance.Select(Referenced<Coverage>).FirstOrDefault(c => c is not null)
                       ?? resources.OfType<Coverage>().FirstOrDefault();
        var answers = request.SupportingInfo.Select(Referenced<QuestionnaireResponse>).FirstOrDefault(q => q is not null)
                      ?? resources.OfType<QuestionnaireResponse>().FirstOrDefault();
        var codings = request.ReasonCode.SelectMany(c => c.Coding).ToList();

        var urgent = request.Priority is RequestPriority.Urgent or RequestPriority.Asap or RequestPriority.Stat;
        var intake = new Intake(
            patient is null ? null : ClientOf(patient),
            SessionTypeOf(request.Code),
            codings.Select(ConcernOf).OfType<Concern>().Distinct().ToList(),
            null,
            FormatPreference.Either,
            PaymentOf(coverage),
            patient is null ? null : LanguagesOf(patient),
            null,
            null,
            SafetyOf(answers),
            null,
            request.Note.Count == 0 ? null : string.Join("\n\n", request.Note.Select(n => n.Text)),
            // The referrer attests that the client agreed to be referred and contacted (BSeR's consent to share); texts
            // are never assumed.
            new Consent(true, true, false));

        var partner = new PartnerReferralReceived(PartnerReferralReceived.Fhir, organization,
            Qualified(identifier), codings.Select(c => new SourceCode(c.System, c.Code, c.Display)).ToList(),
            request.Requester?.Display, urgent);
        return new FhirReferral(intake, partner, $"{IdempotencyKeyPrefix}{organization}:{Qualified(identifier)}");
    }

    /// <summary>A reference as FHIR resolves it: <c>#id</c> to a contained resource; a Bundle entry's fullUrl, or its <c>Type/id</c>.</summary>
    private static T? Resolve<T>(ServiceRequest request, IReadOnlyList<Bundle.EntryComponent> beside, string? reference) where T : Resource
    {
        if (string.IsNullOrEmpty(reference)) return null;
        if (reference.StartsWith('#')) return request.Contained.OfType<T>().FirstOrDefault(c => c.Id == reference[1..]);
        return beside.FirstOrDefault(e => e.Resource is T r && (e.FullUrl == reference
            || (r.Id is { Length: > 0 } id && (reference == $"{r.TypeName}/{id}" || reference.EndsWith($"/{r.TypeName}/{id}", StringComparison.Ordinal)))))?.Resource as T;
    }

    private static string Qualified(Identifier identifier) =>
        string.IsNullOrWhiteSpace(identifier.System) ? identifier.Value! : $"{identifier.System}|{identifier.Value}";

    private static ClientDetails ClientOf(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        var address = patient.Address.FirstOrDefault(a => a.Use == Address.AddressUse.Home) ?? patient.Address.FirstOrDefault();
        var email = patient.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Email)?.Value;
        var phones = patient.Telecom.Where(t => t.System is ContactPoint.ContactPointSystem.Phone or ContactPoint.ContactPointSystem.Sms).ToList();
        var phone = (phones.FirstOrDefault(p => p.Use == ContactPoint.ContactPointUse.Mobile) ?? phones.FirstOrDefault())?.Value;
        // A partial date (a year, a month) is no date of birth: the validator asks for Patient.birthDate.
        DateOnly? birth = DateOnly.TryParseExact(patient.BirthDate ?? "", "yyyy-MM-dd", out var parsed) ? parsed : null;
        return new ClientDetails(name?.Given.FirstOrDefault(), name?.Family, email, phone, birth, address?.State,
            address?.PostalCode, null);
    }

    /// <summary>The patient's languages, preferred first; none given reads as English, the practice's default.</summary>
    private static IReadOnlyList<string> LanguagesOf(Patient patient)
    {
        var languages = patient.Communication
            .OrderByDescending(c => c.Preferred == true)
            .Select(c => c.Language?.Text ?? c.Language?.Coding.FirstOrDefault()?.Display ?? c.Language?.Coding.FirstOrDefault()?.Code)
            .OfType<string>().Where(l => l.Length > 0).Distinct().ToList();
        return languages.Count > 0 ? languages : ["English"];
    }

    /// <summary>The answer to PHQ-9 item 9, found by its linkId or its LOINC code, anywhere in the response.</summary>
    private static SafetyAnswers? SafetyOf(QuestionnaireResponse? response)
    {
        if (response is null) return null;
        var item = Flatten(response.Item).FirstOrDefault(i => i.LinkId == SafetyQuestion);
        var code = item?.Answer.Select(a => a.Value).OfType<Coding>().FirstOrDefault()?.Code;
        return new SafetyAnswers(code is not null && SafetyAnswers.TryGetValue(code, out var answer) ? answer : null);
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => new[] { i }.Concat(Flatten(i.Item)));
}
