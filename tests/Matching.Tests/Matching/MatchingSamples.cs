using Matching.Service.Matching;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Tests.Engine;

/// <summary>A client and a clinician who match on every filter; tests change one thing with <c>with</c>.</summary>
public static class MatchingSamples
{
    public static readonly Guid ClinicianId = Guid.Parse("0195b000-0000-7000-8000-000000000001");

    public static ClientNeeds Client() => new()
    {
        Format = FormatPreference.Either,
        State = "CO",
        SessionType = SessionType.Individual,
        AgeGroup = AgeGroup.Adult,
        PaymentMethod = PaymentMethod.Insurance,
        Payer = "Aetna",
        Languages = ["English"],
        Concerns = [Concern.Trauma, Concern.Grief, Concern.Anxiety],
        PreferredModalities = [],
        Availability = [new AvailabilityWindow(WeekDay.Monday, "17:00", "20:00")]
    };

    public static ClinicianCandidate Candidate(string name = "Grace Kim", Guid? id = null) => new()
    {
        Id = id ?? ClinicianId,
        Name = name,
        AcceptingNewClients = true,
        CaseloadLimit = 20,
        WeeklyNewClientLimit = 3,
        ActiveClients = 5,
        OpenProposals = 1,
        NewClientsLast7Days = 0,
        LicensedStates = ["CO"],
        OfficeStates = ["CO"],
        Formats = [SessionFormat.InPerson, SessionFormat.Telehealth],
        SessionTypes = [SessionType.Individual],
        AgeGroups = [AgeGroup.Adult],
        Specialties = [Concern.Trauma, Concern.Grief],
        Modalities = [Modality.Emdr, Modality.Cbt],
        Languages = ["English"],
        Payers = ["Aetna"],
        TimeZone = "America/Denver",
        Availability = [new AvailabilityWindow(WeekDay.Monday, "17:00", "20:00")]
    };

    public static MatchWeights Weights => new();

    public static MatchResult Rank(ClientNeeds client, params ClinicianCandidate[] directory) =>
        MatchingEngine.Rank(client, directory, Weights, 10);

    public static double Points(this RankedCandidate candidate, string criterion) =>
        candidate.Reasons.Single(r => r.Criterion == criterion).Points;

    public static string Detail(this RankedCandidate candidate, string criterion) =>
        candidate.Reasons.Single(r => r.Criterion == criterion).Detail;
}
