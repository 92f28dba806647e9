using Hl7.Fhir.Model;
using Matching.Service.Fhir;
using Task = System.Threading.Tasks.Task;

namespace Matching.Tests.Fhir;

/// <summary>
/// The base R4 profiles' checks on a received resource, without a database. One validator for the process (its first
/// use compiles the schemas, seconds), shared with the hosts' own.
/// </summary>
public class FhirProfilesTests
{
    private static readonly FhirProfiles Profiles = FhirProfiles.R4;

    [Fact]
    public async Task the_bser_examples_have_no_errors_and_codes_it_cannot_check_locally_do_not_refuse()
    {
        // SNOMED CT, ICD-10-CM and LOINC codes, the practice's own code system and extension: none of them is an error.
        var selfPay = BserExamples.Referral("REF-1");
        selfPay.Code = FhirResources.Concept(FhirIntake.SessionTypeSystem, "couples", "Couples therapy");
        selfPay.Contained = selfPay.Contained.Select(r => r is Coverage ? BserExamples.SelfPay(140m) : r).ToList();
        ((Patient)selfPay.Contained[0]).MaritalStatus = FhirResources.Concept(FhirIntake.Snomed, "87915002", "Married");

        // A profile the resource claims (BSeR's) is not in the base specification: not checked, and no error for it.
        var claimed = BserExamples.Referral("REF-5");
        claimed.Meta = new Meta { Profile = ["http://hl7.org/fhir/us/bser/StructureDefinition/BSeR-ReferralServiceRequest"] };

        Resource[] valid = [BserExamples.Referral("REF-1"), selfPay, claimed, BserExamples.Transaction("REF-2"), BserExamples.Message("REF-3")];

        foreach (var resource in valid) (await Profiles.ErrorsAsync(resource)).ShouldBeNull();
    }

    [Fact]
    public async Task a_telecom_value_without_a_system_is_an_error_naming_the_element()
    {
        var patient = BserExamples.Patient();
        patient.Telecom.Add(new ContactPoint { Value = "303 555 0199" });
        var request = BserExamples.Referral("REF-4", patient);
        // A code outside a required binding to the specification's own value set is checked too.
        request.Contained.Add(new Condition
        {
            Id = "condition", Subject = new ResourceReference("#patient"),
            ClinicalStatus = FhirResources.Concept(FhirIntake.Snomed, "55561003", "Active")
        });
        request.ReasonReference = [new ResourceReference("#condition")];

        var errors = (await Profiles.ErrorsAsync(request)).ShouldNotBeNull();

        errors.Issue.Select(i => i.Expression.Single()).ShouldBe(
            ["ServiceRequest.contained[0].telecom[2]", "ServiceRequest.contained[3].clinicalStatus[0]"], ignoreOrder: true);
        errors.Issue.ShouldAllBe(i => i.Severity == OperationOutcome.IssueSeverity.Error);
        errors.Issue.ShouldContain(i => (i.Diagnostics ?? "").Contains("cpt-2 \"A system is required if a value is provided.\""));
    }
}
