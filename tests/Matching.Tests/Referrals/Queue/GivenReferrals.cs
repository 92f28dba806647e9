using JasperFx.Events;
using Marten;
using Matching.Service.Clinicians;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Shared;
using Matching.Tests.Support;
using Matching.Service.Referrals.SubmittingIntake;

namespace Matching.Tests.Referrals;

/// <summary>
/// Starting states for the read-side tests, appended straight to the event store as given events
/// (optionally at chosen times and by a chosen actor), independent of the command endpoints.
/// </summary>
public static class GivenReferrals
{
    public static readonly Actor Coordinator = new("coord-1", "Casey Coordinator", Roles.Coordinator);

    /// <summary>An event with a chosen timestamp.</summary>
    public static IEvent At<T>(this T data, DateTimeOffset at) where T : notnull => new Event<T>(data) { Timestamp = at };

    public static IntakeSubmitted Submitted(Intake? intake = null) =>
        new(SubmitIntakeHandler.Kept(intake ?? Samples.Intake()), new DateOnly(2025, 1, 6), AgeGroup.Adult);

    public static async Task<Guid> Referral(this AppFixture app, params object[] events)
    {
        var id = Guid.CreateVersion7();
        await using var session = app.Store.LightweightSession();
        Stamp(session, events.Length > 0 && Unwrap(events[0]) is IntakeSubmitted ? Actor.Anonymous : Coordinator);
        session.Events.StartStream<Referral>(id, events);
        await session.SaveChangesAsync();
        return id;
    }

    public static async Task Append(this AppFixture app, Guid referralId, params object[] events) =>
        await app.Append(referralId, Coordinator, events);

    public static async Task Append(this AppFixture app, Guid referralId, Actor actor, params object[] events)
    {
        await using var session = app.Store.LightweightSession();
        Stamp(session, actor);
        session.Events.Append(referralId, events);
        await session.SaveChangesAsync();
    }

    public static async Task<Guid> Clinician(this AppFixture app, string name)
    {
        var id = Guid.CreateVersion7();
        var profile = new ClinicianProfile(name, "LPC", $"{id:N}@practice.example", "America/Denver", ["CO"], ["CO"],
            [SessionFormat.Telehealth], [SessionType.Individual], [AgeGroup.Adult], [Concern.Trauma], [Modality.Emdr],
            ["English"], ["Aetna"], 160, null, Gender.Female, true, false, false);
        await using var session = app.Store.LightweightSession();
        session.Events.StartStream<Clinician>(id, new ClinicianOnboarded(profile, 20, 3, true, []));
        await session.SaveChangesAsync();
        return id;
    }

    private static void Stamp(IDocumentSession session, Actor actor)
    {
        session.SetHeader(Actor.SubHeader, actor.Sub);
        session.SetHeader(Actor.NameHeader, actor.Name);
        session.SetHeader(Actor.RoleHeader, actor.Role);
    }

    private static object Unwrap(object e) => e is IEvent wrapped ? wrapped.Data : e;
}
