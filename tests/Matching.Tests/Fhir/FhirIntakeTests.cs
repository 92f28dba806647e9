using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Matching.Service.Fhir;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Matching.Tests.Support;

namespace Matching.Tests.Fhir;

/// <summary>The mapping from a ServiceRequest to the intake, and the decision with a partner's referral, without a database.</summary>
public class FhirIntakeTests
{
    public static Resource Parse(string json) => FhirSerializationEngineFactory.Ostrich(ModelInfo.ModelInspector).DeserializeFromJson(json)!;

    [Theory]
    [InlineData(FhirIntake.Snomed, "35489007", Concern.Depression)]
    [InlineData(FhirIntake.Snomed, "47505003", Concern.Trauma)]
    [InlineData(FhirIntake.Snomed, "66936004", Concern.Grief)]
    [InlineData(FhirIntake.Icd10, "F43.10", Concern.Trauma)]
    [InlineData(FhirIntake.Icd10, "F32.A", Concern.Depression)]
    [InlineData(FhirIntake.Icd10, "F41.1", Concern.Anxiety)]
    public void reason_codes_map_to_the_practices_concerns(string system, string code, Concern concern) =>
        FhirIntake.ConcernOf(new Coding(system, code)).ShouldBe(concern);

    [Theory]
    [InlineData(FhirIntake.Snomed, "38341003")]      // hypertension: not a concern the practice matches on
    [InlineData("http://example.org/local", "35489007")] // the code means nothing outside its system
    public void other_codes_map_to_no_concern(string system, string code) =>
        FhirIntake.ConcernOf(new Coding(system, code)).ShouldBeNull();

    [Theory]
    [InlineData(FhirIntake.SessionTypeSystem, "couples", SessionType.Couples)]
    [InlineData(FhirIntake.SessionTypeSystem, "family", SessionType.Family)]
    [InlineData(FhirIntake.SessionTypeSystem, "individual", SessionType.Individual)]
    [InlineData(FhirIntake.Snomed, FhirIntake.FamilyPsychotherapy, SessionType.Family)]
    [InlineData(FhirIntake.Snomed, "304891004", SessionType.Individual)] // cognitive behavioral therapy: a kind, not who for
    [InlineData(FhirIntake.SessionTypeSystem, "group", null)]            // not one of the practice's: the validator asks
    public void the_service_asked_for_says_who_the_therapy_is_for(string system, string code, SessionType? expected) =>
        FhirIntake.SessionTypeOf(FhirResources.Concept(system, code, null)).ShouldBe(expected);

    [Fact]
    public void a_service_request_without_a_code_asks_for_individual_therapy() =>
        FhirIntake.SessionTypeOf(null).ShouldBe(SessionType.Individual);

    [Fact]
    public void a_self_pay_coverage_reads_as_paying_themselves_up_to_the_rate_in_its_extension()
    {
        FhirIntake.PaymentOf(BserExamples.SelfPay(135m)).ShouldBe(new Payment(PaymentMethod.SelfPay, null, null, 135m));
        FhirIntake.PaymentOf(BserExamples.Coverage()).ShouldBe(new Payment(PaymentMethod.Insurance, "Aetna", "AET-448812", null));

        // Without the rate, or in another currency, the rate is unanswered: the validator names the extension.
        FhirIntake.PaymentOf(BserExamples.SelfPay(null))!.MaxSessionRate.ShouldBeNull();
        var euros = BserExamples.SelfPay();
        euros.SetExtension(FhirIntake.MaxSessionRateExtension, new Money { Value = 120m, Currency = Money.Currencies.EUR });
        FhirIntake.PaymentOf(euros)!.MaxSessionRate.ShouldBeNull();
        FhirIntake.Expression("payment.maxSessionRate").ShouldBe($"Coverage.extension('{FhirIntake.MaxSessionRateExtension}')");
    }

    [Fact]
    public void the_patient_coverage_and_answers_are_the_ones_the_request_points_at()
    {
        // A family's Bundle: the parent's Patient and Coverage come first, the request is for the child.
        var bundle = BserExamples.Transaction("REF-6");
        var request = (ServiceRequest)bundle.Entry[0].Resource!;
        var parent = BserExamples.Patient("1980-06-01");
        parent.Id = "parent";
        parent.Name[0].Given = ["Chidi"];
        var parentsCoverage = BserExamples.Coverage();
        parentsCoverage.SubscriberId = "PARENT-1";
        bundle.Entry.Insert(1, new Bundle.EntryComponent { FullUrl = "urn:uuid:7f0c1d2e-0000-4000-8000-0000000000aa", Resource = parent });
        bundle.Entry.Insert(2, new Bundle.EntryComponent { FullUrl = "urn:uuid:7f0c1d2e-0000-4000-8000-0000000000ab", Resource = parentsCoverage });

        var intake = FhirIntake.Read(request, bundle.Entry.Skip(1).ToList(), BserExamples.Clinic, out _)!.Intake;

        intake.Client!.FirstName.ShouldBe("Adaeze");
        intake.Payment!.MemberId.ShouldBe("AET-448812");

        // Referred to as Type/id rather than by fullUrl, it is found too.
        var child = (Patient)bundle.Entry.Single(e => e.FullUrl == request.Subject.Reference).Resource!;
        child.Id = "child";
        request.Subject = new ResourceReference("Patient/child");
        FhirIntake.Read(request, bundle.Entry.Skip(1).ToList(), BserExamples.Clinic, out _)!.Intake.Client!.FirstName.ShouldBe("Adaeze");
    }

    [Fact]
    public void a_service_request_reads_as_the_forms_intake_keyed_by_organization_and_identifier()
    {
        var referral = FhirIntake.Read(BserExamples.Referral("REF-1", priority: RequestPriority.Asap, safetyAnswer: "LA6571-9"), [],
            BserExamples.Clinic, out var missing)!;

        missing.ShouldBeNull();
        referral.IdempotencyKey.ShouldBe($"fhir:{BserExamples.Clinic}:{BserExamples.IdentifierSystem}|REF-1");
        referral.Intake.Safety!.ThoughtsOfSelfHarm.ShouldBe(SelfHarmAnswer.NearlyEveryDay);
        referral.Intake.Languages.ShouldBe(["English"]);
        referral.Intake.Format.ShouldBe(FormatPreference.Either);
        referral.Partner.UrgentRequested.ShouldBeTrue();
    }

    [Fact]
    public void without_the_safety_answer_the_intake_has_none_and_the_validator_names_the_questionnaire_response()
    {
        var request = BserExamples.Referral("REF-2");
        request.Contained = request.Contained.Where(r => r is not QuestionnaireResponse).ToList();

        var referral = FhirIntake.Read(request, [], BserExamples.Clinic, out _)!;

        referral.Intake.Safety.ShouldBeNull();
        FhirIntake.Expression("safety").ShouldBe("QuestionnaireResponse.item");
    }

    [Fact]
    public void a_partners_referral_records_its_source_after_the_intake_and_before_the_risk_flag()
    {
        var partner = new PartnerReferralReceived("fhir", BserExamples.Clinic, "REF-3", [new SourceCode(FhirIntake.Snomed, "35489007", null)],
            null, UrgentRequested: true);

        var events = SubmitIntakeHandler.Decide(Samples.UrgentIntake(), new DateOnly(2026, 12, 7), partner);

        events.Select(e => e.GetType().Name).ShouldBe(["IntakeSubmitted", "PartnerReferralReceived", "RiskFlagged"]);
        events[1].ShouldBe(partner);
        SubmitIntakeHandler.Decide(Samples.Intake(), new DateOnly(2026, 12, 7)).Select(e => e.GetType().Name).ShouldBe(["IntakeSubmitted"]);
    }
}
