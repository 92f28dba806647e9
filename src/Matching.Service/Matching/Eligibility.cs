using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.Service.Matching;

/// <summary>
/// One clinician as the filters see a client now: eligible (with rank and score) or excluded, with every filter
/// failed and each said in words ("Not licensed in CO").
/// </summary>
public sealed record ClinicianEligibility(
    Guid ClinicianId, string Name, int? Rank, double? Score, IReadOnlyList<ExclusionReason> FailedFilters, IReadOnlyList<string> Reasons)
{
    public bool Eligible => Rank is not null;

    /// <summary>Whether an override reason can bring them in (see <see cref="Eligibility.NoOverride"/>).</summary>
    public bool Overridable => !FailedFilters.Any(Eligibility.NoOverride.Contains);
}

/// <summary>The whole directory judged for one client: the "why not Dr X?" answer and the propose list's order.</summary>
public static class Eligibility
{
    /// <summary>
    /// Filters no override lifts: a proposal is refused for a clinician who is not taking clients (paused, not accepting)
    /// or who already declined, let lapse or had withdrawn a proposal for this referral.
    /// </summary>
    public static readonly IReadOnlySet<ExclusionReason> NoOverride =
        new HashSet<ExclusionReason> { ExclusionReason.NotAccepting, ExclusionReason.PreviouslyDeclined };

    /// <summary>
    /// Every clinician not offboarded: the eligible first in the engine's ranking order with their score, then the excluded
    /// by name. Sorts the whole directory (no top-N bound), so it suits a page, not a 10,000-clinician run per request.
    /// </summary>
    public static IReadOnlyList<ClinicianEligibility> Of(ClientNeeds client, IReadOnlyList<ClinicianCandidate> directory, MatchWeights weights)
    {
        var eligible = new List<(double Score, ClinicianCandidate Clinician)>();
        var excluded = new List<ClinicianEligibility>();
        foreach (var clinician in directory)
        {
            if (clinician.Offboarded) continue;
            var failed = MatchingEngine.FailedFilters(client, clinician);
            if (failed.Count == 0) eligible.Add((MatchingEngine.Score(client, clinician, weights), clinician));
            else excluded.Add(new ClinicianEligibility(clinician.Id, clinician.Name, null, null, failed, Explain(failed, client, clinician)));
        }

        eligible.Sort((a, b) => a.Clinician == b.Clinician ? 0
            : MatchingEngine.Before(a.Score, a.Clinician, b.Score, b.Clinician) ? -1 : 1);
        excluded.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.ClinicianId.CompareTo(b.ClinicianId));
        return
        [
            ..eligible.Select((e, i) => new ClinicianEligibility(e.Clinician.Id, e.Clinician.Name, i + 1, e.Score, [], [])),
            ..excluded
        ];
    }

    /// <summary>The failed filters in words, for this client; a filter that fails only because another one does is left out.</summary>
    public static IReadOnlyList<string> Explain(IReadOnlyList<ExclusionReason> failed, ClientNeeds client, ClinicianCandidate clinician) =>
        failed.Select(reason => Explain(reason, client, clinician)).OfType<string>().ToList();

    private static string? Explain(ExclusionReason reason, ClientNeeds c, ClinicianCandidate x) => reason switch
    {
        ExclusionReason.NotAccepting => x.Offboarded ? "Has left the practice" : x.Paused ? "Paused" : "Not accepting new clients",
        ExclusionReason.NoCapacity => x.RemainingCapacity <= 0
            ? $"Caseload full ({x.ActiveClients + x.OpenProposals} of {x.CaseloadLimit} places taken)"
            : x.WeeklyNewClientLimit <= 0 ? "Weekly new-client limit set to 0"
            : $"Weekly new-client limit reached ({x.NewClientsLast7Days} of {x.WeeklyNewClientLimit} in the last 7 days)",
        ExclusionReason.FormatMismatch => c.Format switch
        {
            FormatPreference.Telehealth => "No telehealth",
            FormatPreference.InPerson => "No in-person sessions",
            _ => "No session format set"
        },
        ExclusionReason.NotLicensedInState => !Normalized.Contains(x.LicensedStateCodes, c.StateCode) ? $"Not licensed in {StateOf(c)}"
            // Licensed there but with no format in common: the format reason already says it.
            : (c.FormatBits & x.FormatBits) == 0 ? null
            : (c.FormatBits & Normalized.Bit(SessionFormat.Telehealth)) != 0 ? $"No office in {StateOf(c)} and no telehealth"
            : $"No office in {StateOf(c)}",
        ExclusionReason.SessionTypeMismatch => $"No {Words.Of(c.SessionType!.Value)} sessions",
        ExclusionReason.AgeGroupMismatch => $"Doesn't see {Words.Of(c.AgeGroup)} clients",
        ExclusionReason.PayerMismatch => c.PaymentMethod switch
        {
            PaymentMethod.Insurance => $"Not in network with {c.Payer?.Trim()}",
            PaymentMethod.SelfPay => "Self-pay rate above the client's maximum",
            _ => "No payer or self-pay rate set"
        },
        ExclusionReason.LanguageMismatch => c.Languages.Count == 0 ? "No language given" : $"Doesn't speak {MatchingEngine.Sentence(c.Languages, "or")}",
        ExclusionReason.KetamineNotOffered => "Doesn't offer ketamine-assisted therapy",
        ExclusionReason.PreviouslyDeclined => "Declined, let lapse or had withdrawn a proposal for this client",
        _ => Words.Label(reason)
    };

    private static string StateOf(ClientNeeds c) => c.State?.Trim().ToUpperInvariant() ?? "the client's state";
}
