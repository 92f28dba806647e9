using Matching.Service.Fhir;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;

namespace Matching.DevHost.Seeding;

/// <summary>
/// The demo referrals: fictional people (example.org emails, 555-01xx numbers) whose stories cover
/// every status and the usual detours: urgent flags, declines and expiries followed by a re-match,
/// withdrawn proposals, cancelled and missed first sessions, waitlist check-ins and each closing outcome.
/// </summary>
internal sealed class DemoReferrals(
    Random random, MatchingOptions options, DateTimeOffset now, IReadOnlyList<DemoClinician> clinicians,
    Actor coordinator, Actor coordinator2)
{
    private static readonly (string First, string Last, bool Spanish)[] People =
    [
        ("Ava", "Thompson", false), ("Mateo", "Garcia", true), ("Chloe", "Nguyen", false), ("Liam", "Walker", false),
        ("Valentina", "Cruz", true), ("Ethan", "Brooks", false), ("Zoe", "Hernandez", false), ("Noah", "Sandoval", true),
        ("Harper", "Mitchell", false), ("Lucas", "Bennett", false), ("Isabella", "Romero", true), ("Mason", "Clarke", false),
        ("Aria", "Patel", false), ("Elijah", "Foster", false), ("Camila", "Ortega", true), ("Logan", "Price", false),
        ("Nora", "Sullivan", false), ("Gabriel", "Medina", true), ("Lily", "Chavez", false), ("Henry", "Dawson", false),
        ("Sofia", "Lucero", true), ("Wyatt", "Harlan", false), ("Maya", "Begay", false), ("Julian", "Pierce", false),
        ("Elena", "Trujillo", true), ("Owen", "Keller", false), ("Stella", "Marsh", false), ("Leo", "Archuleta", true),
        ("Hazel", "Grant", false), ("Caleb", "Winters", false), ("Luna", "Espinoza", true), ("Miles", "Reed", false),
        ("Ruby", "Caldwell", false), ("Adrian", "Montoya", true), ("Ivy", "Lawson", false), ("Silas", "Whitlock", false),
        ("Clara", "Baca", true), ("Jonah", "Stewart", false), ("Eliza", "Monroe", false), ("Theo", "Ramsey", false),
        ("Paloma", "Vigil", true), ("Grant", "Holloway", false),
        // Referred by the partner clinic (last, so the form's referrals keep their names and times).
        ("Adaeze", "Okafor", false), ("Rosa", "Quintana", true), ("Tobias", "Lindqvist", false), ("Amara", "Osei", false)
    ];

    private static readonly (string State, string Postal)[] Places =
    [
        ("CO", "80302"), ("CO", "80205"), ("CO", "80525"), ("CO", "80903"), ("CO", "81501"), ("CO", "80120"),
        ("NM", "87501"), ("NM", "87102"), ("UT", "84101"), ("UT", "84604"), ("WY", "82001"), ("WY", "82070")
    ];

    private static readonly string[] Payers = ["Aetna", "Cigna", "UnitedHealthcare", "Anthem", "Kaiser Permanente", "Medicaid"];

    private static readonly string[] Notes =
    [
        "Evenings work best after work.", "Would like someone who has worked with grief before.",
        "Prefers video sessions because of a long commute.", "Has seen a therapist before and found CBT helpful.",
        "Looking for a calm, practical approach.", "Hoping to start within the next few weeks.", ""
    ];

    /// <summary>The demo partner clinic, its referrals' identifier system, and its system as the actor that sent them.</summary>
    public const string PartnerOrganization = "org-riverside-family-medicine";
    private const string PartnerIdentifiers = "https://riverside.example/fhir/referral-ids";
    private static readonly Actor PartnerSystem = new("riverside-ehr", "Riverside Family Medicine EHR", Roles.Referrer);

    private static PartnerReferralReceived FromRiverside(string identifier, string snomed, string display, bool urgent = false) =>
        new(PartnerReferralReceived.Fhir, PartnerOrganization, $"{PartnerIdentifiers}|{identifier}",
            [new SourceCode(FhirIntake.Snomed, snomed, display)], "Dr. Priya Raman, Riverside Family Medicine", urgent);

    private readonly Dictionary<Guid, List<(DateTimeOffset Start, DateTimeOffset End)>> _sessions = [];
    private readonly Dictionary<Guid, int> _load = [];
    private int _person;

    public IReadOnlyList<DemoStory> Create()
    {
        var stories = new List<DemoStory>();
        DemoStory New(double daysAgo, Func<Intake, Intake>? tweak = null, SelfHarmAnswer safety = SelfHarmAnswer.NotAtAll,
            int? age = null, SessionType? sessionType = null, PartnerReferralReceived? partner = null)
        {
            var submittedAt = now.AddDays(-daysAgo);
            var story = new DemoStory(DemoClinicians.NextGuid(random), submittedAt, random, options);
            var (intake, _) = NextIntake(submittedAt, safety, age, sessionType);
            story.Submit(tweak is null ? intake : tweak(intake), partner, partner is null ? null : PartnerSystem);
            stories.Add(story);
            return story;
        }

        static TimeSpan h(double hours) => TimeSpan.FromHours(hours);
        static TimeSpan d(double days) => TimeSpan.FromDays(days);
        static TimeSpan m(double minutes) => TimeSpan.FromMinutes(minutes);

        // awaitingTriage: fresh routine intakes, one of them older than the first-contact SLA.
        New(2.0 / 24);
        New(5.0 / 24);
        New(20.0 / 24, sessionType: SessionType.Couples);
        New(1.3, age: 15, sessionType: SessionType.Family);
        New(3.2);

        // Urgent and not yet acknowledged: escalated after the risk window.
        New(40.0 / 1440, safety: SelfHarmAnswer.SeveralDays).Escalate();
        New(3.0 / 24, safety: SelfHarmAnswer.MoreThanHalfTheDays).Escalate();

        // Urgent and acknowledged: one waiting for triage, one triaged and waiting for a match.
        New(2.0 / 24, safety: SelfHarmAnswer.SeveralDays)
            .Acknowledge(m(9), coordinator, RiskAction.ContactedClient, "Called the client; safe tonight, has a support person with them. Gave 988.");
        New(1.0, safety: SelfHarmAnswer.NearlyEveryDay)
            .Acknowledge(m(6), coordinator2, RiskAction.ScheduledUrgentEvaluation, "Urgent evaluation arranged for tomorrow morning.")
            .Triage(m(30), coordinator2, TriagePriority.Urgent, "Match within 24 hours.")
            .Contact(h(2), coordinator2, ContactChannel.Phone, ContactOutcome.Reached);

        // awaitingMatch, including re-matches after a decline and after an expiry.
        New(2.0).Triage(h(4), coordinator);
        New(4.0).Triage(h(3), coordinator).Contact(h(20), coordinator, ContactChannel.Phone, ContactOutcome.LeftMessage);
        var declined = New(6.0).Triage(h(2), coordinator);
        ProposeTo(declined, h(3)).Decline(d(1), ClinicianOf(declined), DeclineReason.NotAFit, "Client's goals fit a couples specialist better.");
        var expired = New(8.0).Triage(h(5), coordinator2);
        ProposeTo(expired, h(2)).Expire();
        New(3.0).Triage(h(2), coordinator).Contact(h(1), coordinator, ContactChannel.Email, ContactOutcome.Reached, "Confirmed availability windows.");

        // proposed: pending proposals inside the response window.
        ProposeTo(New(1.0).Triage(h(2), coordinator), h(2));
        ProposeTo(New(2.0, sessionType: SessionType.Couples).Triage(h(1), coordinator2), h(3));
        var withdrawn = New(5.0).Triage(h(3), coordinator);
        ProposeTo(withdrawn, h(2)).Withdraw(d(1), coordinator, "Client now needs evening sessions this clinician can't offer.");
        ProposeTo(withdrawn, d(2));
        ProposeTo(New(3.0).Triage(h(4), coordinator), d(1));
        var rematched = New(7.0).Triage(h(3), coordinator2);
        ProposeTo(rematched, h(2)).Decline(d(1), ClinicianOf(rematched), DeclineReason.SchedulingConflict);
        ProposeTo(rematched, d(4));

        // accepted: waiting to book, after a cancellation, after a no-show, after a decline.
        Accept(ProposeTo(New(4.0).Triage(h(2), coordinator), h(3)), d(1));
        var cancelled = Accept(ProposeTo(New(6.0).Triage(h(2), coordinator), h(2)), h(20));
        cancelled.Book(h(3), coordinator, FutureStart(cancelled, 5), SessionFormat.Telehealth)
            .Cancel(d(2), coordinator, CancelledBy.Client, "Work schedule changed; will rebook.");
        var noShow = Accept(ProposeTo(New(14.0).Triage(h(3), coordinator), h(2)), d(1));
        noShow.Book(h(2), coordinator, PastStart(noShow, 5), SessionFormat.InPerson).Missed(coordinator, "Client didn't arrive; left a voicemail.");
        var acceptedAfterDecline = New(3.0).Triage(h(1), coordinator2);
        ProposeTo(acceptedAfterDecline, h(2)).Decline(h(18), ClinicianOf(acceptedAfterDecline), DeclineReason.NoCapacity);
        Accept(ProposeTo(acceptedAfterDecline, h(3)), h(20));

        // booked: first sessions ahead, one rescheduled; a ketamine-assisted therapy referral and a Spanish-speaking client.
        Booked(New(6.0), 3);
        var rescheduled = Booked(New(5.0), 6);
        rescheduled.Reschedule(d(1), coordinator, FutureStart(rescheduled, 8));
        Booked(New(9.0, i => i with
        {
            Concerns = [Concern.Depression, Concern.Trauma], InterestedInKetamineAssistedTherapy = true,
            Client = i.Client! with { State = "CO", PostalCode = "80302" }
        }, age: 44), 1);
        Booked(New(4.0, i => i with { Languages = ["Spanish"], Client = i.Client! with { State = "CO", PostalCode = "80205" } }), 4);
        Booked(New(10.0, sessionType: SessionType.Couples), 2);

        // waitlisted, two of them past their first check-in.
        New(20.0).Triage(h(5), coordinator).Waitlist(d(1), coordinator, "No in-person openings near the client this month.").CheckInDue(1);
        New(6.0).Triage(h(3), coordinator2).Waitlist(d(1), coordinator2, "Client prefers to wait for a clinician with Saturday hours.");
        var waitAfterExpiry = New(25.0).Triage(h(4), coordinator);
        ProposeTo(waitAfterExpiry, d(1)).Expire();
        waitAfterExpiry.Waitlist(d(1), coordinator, "Waiting for a clinician in network with the client's payer.").CheckInDue(1);

        // closed: engaged (one after a decline and re-match, one urgent, one after a no-show), and every other outcome.
        Attended(Booked(New(30.0), -22));
        var engagedAfterDecline = New(40.0).Triage(h(3), coordinator);
        ProposeTo(engagedAfterDecline, h(2)).Decline(d(1), ClinicianOf(engagedAfterDecline), DeclineReason.PayerMismatch);
        Attended(Booked(engagedAfterDecline, -28, proposeAfter: d(1)));
        var urgentEngaged = New(25.0, safety: SelfHarmAnswer.SeveralDays)
            .Acknowledge(m(7), coordinator2, RiskAction.ContactedClient, "Spoke with the client; safety plan reviewed.")
            .Triage(m(20), coordinator2, TriagePriority.Urgent);
        Attended(Booked(urgentEngaged, -20, proposeAfter: h(1)));
        var engagedAfterExpiry = New(45.0).Triage(h(4), coordinator);
        ProposeTo(engagedAfterExpiry, h(3)).Expire();
        var secondTry = Booked(engagedAfterExpiry, -30, proposeAfter: h(5));
        secondTry.Missed(coordinator, "Client mixed up the time.");
        secondTry.Book(h(2), coordinator, PastStart(secondTry, 25), SessionFormat.Telehealth);
        Attended(secondTry);

        New(12.0).Triage(h(3), coordinator).Contact(d(1), coordinator, ContactChannel.Phone, ContactOutcome.Reached)
            .Close(h(1), coordinator, ClosureOutcome.Withdrawn, "Found a therapist through their employer's program.");
        Accept(ProposeTo(New(18.0).Triage(h(2), coordinator2), h(3)), d(1))
            .Close(d(2), coordinator2, ClosureOutcome.Withdrawn, "Decided to pause therapy for now.");
        New(20.0).Triage(h(2), coordinator)
            .Contact(d(1), coordinator, ContactChannel.Phone, ContactOutcome.NoAnswer)
            .Contact(d(2), coordinator, ContactChannel.Email, ContactOutcome.NoAnswer)
            .Contact(d(3), coordinator, ContactChannel.Sms, ContactOutcome.NoAnswer)
            .Close(d(2), coordinator, ClosureOutcome.Unreachable, "Three attempts over a week, no reply.");
        New(15.0).Triage(h(5), coordinator2)
            .Contact(d(1), coordinator2, ContactChannel.Phone, ContactOutcome.LeftMessage)
            .Contact(d(3), coordinator2, ContactChannel.Phone, ContactOutcome.NoAnswer)
            .Close(d(4), coordinator2, ClosureOutcome.Unreachable);
        New(9.0).Triage(h(2), coordinator).Close(d(1), coordinator, ClosureOutcome.ReferredOut, "Needs an intensive outpatient program.");
        New(7.0).Triage(h(3), coordinator).Close(d(1), coordinator, ClosureOutcome.Ineligible, "Asked for a custody evaluation, which the practice doesn't provide.");
        New(1.0).Close(h(2), coordinator, ClosureOutcome.Duplicate, "Same person submitted the form twice.");

        // Sent by a partner clinic's system over FHIR (a referrer token with --referrer-org org-riverside-family-medicine
        // reads their Tasks): one waiting for triage, one urgent-track request being matched, one booked, one attended.
        DemoStory FromPartner(double daysAgo, string identifier, string snomed, string display, bool urgent = false)
        {
            var concern = FhirIntake.Concerns[(FhirIntake.Snomed, snomed)];
            return New(daysAgo, i => i with { Concerns = [concern], Consent = new Consent(true, true, false) },
                partner: FromRiverside(identifier, snomed, display, urgent));
        }
        FromPartner(6.0 / 24, "RFM-24-0117", "35489007", "Depressive disorder");
        ProposeTo(FromPartner(1.5, "RFM-24-0112", "197480006", "Anxiety disorder", urgent: true).Triage(h(1), coordinator), h(2));
        Booked(FromPartner(7.0, "RFM-24-0098", "47505003", "Posttraumatic stress disorder"), 3);
        Attended(Booked(FromPartner(35.0, "RFM-24-0031", "66936004", "Grief reaction"), -25));

        foreach (var story in stories)
        {
            var late = story.Events.FirstOrDefault(e => e.Timestamp > now);
            if (late is not null)
                throw new InvalidOperationException($"Demo referral {stories.IndexOf(story)}: {late.Data.GetType().Name} would be {late.Timestamp - now} in the future.");
        }
        return stories;
    }

    private DemoStory ProposeTo(DemoStory story, TimeSpan after)
    {
        var clinician = Choose(story);
        _load[clinician.Id] = _load.GetValueOrDefault(clinician.Id) + 1;
        return story.Propose(after, coordinator, clinician);
    }

    private DemoStory Accept(DemoStory story, TimeSpan after) => story.Accept(after, ClinicianOf(story));

    private DemoStory Booked(DemoStory story, int sessionInDays, TimeSpan? proposeAfter = null)
    {
        if (story.Status == ReferralStatus.AwaitingTriage) story.Triage(TimeSpan.FromHours(3), coordinator);
        Accept(ProposeTo(story, proposeAfter ?? TimeSpan.FromHours(2)), TimeSpan.FromHours(20));
        var startsAt = sessionInDays > 0 ? FutureStart(story, sessionInDays) : PastStart(story, -sessionInDays);
        var format = story.Intake.Format == FormatPreference.InPerson ? SessionFormat.InPerson : SessionFormat.Telehealth;
        return story.Book(TimeSpan.FromHours(4), coordinator, startsAt, format);
    }

    private DemoStory Attended(DemoStory story) => story.Attended(coordinator, "Client plans to continue weekly.");

    private DemoClinician ClinicianOf(DemoStory story) =>
        clinicians.Single(c => c.Id == (story.OpenProposal?.ClinicianId ?? story.AcceptedClinicianId));

    private DateTimeOffset FutureStart(DemoStory story, int daysAhead) => SessionStart(story, daysAhead);

    private DateTimeOffset PastStart(DemoStory story, int daysAgo) => SessionStart(story, -daysAgo);

    /// <summary>A free hour for the accepted clinician on a weekday, in the practice's time zone.</summary>
    private DateTimeOffset SessionStart(DemoStory story, int days)
    {
        var clinicianId = story.AcceptedClinicianId!.Value;
        var booked = _sessions.TryGetValue(clinicianId, out var list) ? list : _sessions[clinicianId] = [];
        var date = options.PracticeDate(now).AddDays(days);
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) date = date.AddDays(days >= 0 ? 1 : -1);
        for (var hour = 9 + random.Next(7); ; hour++)
        {
            var local = date.ToDateTime(new TimeOnly(9 + (hour - 9) % 9, 0));
            var start = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, options.TimeZone), TimeSpan.Zero);
            var end = start.AddMinutes(50);
            if (booked.Any(s => s.Start < end && start < s.End)) continue;
            booked.Add((start, end));
            return start;
        }
    }

    /// <summary>The best fitting open clinician for the intake, relaxing filters only when nobody fits.</summary>
    private DemoClinician Choose(DemoStory story)
    {
        var intake = story.Intake;
        var ageGroup = ((IntakeSubmitted)story.Events[0].Data).AgeGroup;
        var state = intake.Client!.State!;
        var open = clinicians
            .Where(c => c.OpenToNewClients && !story.ExcludedClinicians.Contains(c.Id)
                        && _load.GetValueOrDefault(c.Id) < c.Onboarded.CaseloadLimit)
            .ToList();

        Func<DemoClinician, bool>[] filters =
        [
            c => c.Profile.LicensedStates.Contains(state),
            c => intake.InterestedInKetamineAssistedTherapy != true || c.Profile.OffersKetamineAssistedTherapy,
            c => c.Profile.SessionTypes.Contains(intake.SessionType) && c.Profile.AgeGroups.Contains(ageGroup),
            c => c.Profile.Languages.Intersect(intake.Languages!).Any(),
            c => intake.Format switch
            {
                FormatPreference.InPerson => c.Profile.OfficeStates.Contains(state),
                FormatPreference.Telehealth => c.Profile.Formats.Contains(SessionFormat.Telehealth),
                _ => c.Profile.Formats.Contains(SessionFormat.Telehealth) || c.Profile.OfficeStates.Contains(state)
            },
            c => intake.Payment!.Method == PaymentMethod.Insurance
                ? c.Profile.Payers.Contains(intake.Payment.Payer!)
                : (c.Profile.SlidingScaleMin ?? c.Profile.SelfPayRate) <= intake.Payment.MaxSessionRate
        ];

        for (var strict = filters.Length; strict >= 0; strict--)
        {
            var fitting = open.Where(c => filters.Take(strict).All(f => f(c))).ToList();
            if (fitting.Count == 0) continue;
            return fitting
                .OrderByDescending(c => c.Profile.Specialties.Intersect(intake.Concerns!).Count())
                .ThenBy(c => _load.GetValueOrDefault(c.Id))
                .ThenBy(c => c.Profile.Name, StringComparer.Ordinal)
                .First();
        }
        throw new InvalidOperationException("Demo data has no open clinician at all.");
    }

    private (Intake, AgeGroup) NextIntake(DateTimeOffset submittedAt, SelfHarmAnswer safety, int? age, SessionType? sessionType)
    {
        var person = People[_person++ % People.Length];
        var place = Places[random.Next(Places.Length)];
        var type = sessionType ?? (random.Next(8) == 0 ? SessionType.Couples : SessionType.Individual);
        var years = age ?? (random.Next(10) switch { 0 => 66 + random.Next(10), 1 => 19 + random.Next(4), _ => 24 + random.Next(36) });
        var today = options.PracticeDate(submittedAt);
        var dateOfBirth = today.AddYears(-years).AddDays(-1 - random.Next(300));
        var email = $"{person.First}.{person.Last}".ToLowerInvariant() + "@example.org";
        var phone = $"+1 {(place.State switch { "NM" => "505", "UT" => "801", "WY" => "307", _ => "303" })} 555 01{_person % 100:00}";
        var concerns = DemoClinicians.Pick(random, Enum.GetValues<Concern>(), 1 + random.Next(3)).ToList();
        if (type == SessionType.Couples && !concerns.Contains(Concern.Relationships)) concerns.Insert(0, Concern.Relationships);
        if (type == SessionType.Family && !concerns.Contains(Concern.FamilyDynamics)) concerns.Insert(0, Concern.FamilyDynamics);
        var payment = random.Next(10) < 7
            ? new Payment(PaymentMethod.Insurance, Payers[random.Next(Payers.Length)], $"M{random.Next(100000, 999999)}", null)
            : new Payment(PaymentMethod.SelfPay, null, null, 100 + 10 * random.Next(11));
        var format = random.Next(10) switch { < 5 => FormatPreference.Either, < 8 => FormatPreference.Telehealth, _ => FormatPreference.InPerson };
        string[] languages = person.Spanish ? (random.Next(2) == 0 ? ["Spanish"] : ["Spanish", "English"]) : ["English"];
        var day = (WeekDay)random.Next(5);

        var intake = new Intake(
            new ClientDetails(person.First, person.Last, email, phone, dateOfBirth, place.State, place.Postal,
                random.Next(3) == 0 ? null : (random.Next(2) == 0 ? "she/her" : "he/him")),
            type,
            concerns,
            random.Next(2) == 0 ? [] : DemoClinicians.Pick(random, [Modality.Cbt, Modality.Emdr, Modality.Somatic, Modality.Ifs, Modality.Act, Modality.Mindfulness], 1).ToList(),
            format,
            payment,
            languages,
            random.Next(3) == 0 ? new ClinicianPreferences(random.Next(2) == 0 ? Gender.Female : null, random.Next(2) == 0, random.Next(3) == 0) : null,
            [random.Next(2) == 0 ? new AvailabilityWindow(day, "09:00", "12:00") : new AvailabilityWindow(day, "17:00", "20:00")],
            new SafetyAnswers(safety),
            false,
            Notes[random.Next(Notes.Length)] is { Length: > 0 } note ? note : null,
            new Consent(true, true));
        return (intake, AgeGroups.ForAge(AgeGroups.AgeOn(dateOfBirth, today)));
    }
}
