using FluentValidation;
using Matching.Service.Shared;

namespace Matching.Service.Clinicians;

/// <summary>
/// The profile fields as a request carries them: nullable, so a missing field is a 400 naming it
/// rather than a deserialization failure.
/// </summary>
public interface IClinicianProfileInput
{
    string? Name { get; }
    string? Credentials { get; }
    string? Email { get; }
    string? TimeZone { get; }
    IReadOnlyList<string>? LicensedStates { get; }
    IReadOnlyList<string>? OfficeStates { get; }
    IReadOnlyList<SessionFormat>? Formats { get; }
    IReadOnlyList<SessionType>? SessionTypes { get; }
    IReadOnlyList<AgeGroup>? AgeGroups { get; }
    IReadOnlyList<Concern>? Specialties { get; }
    IReadOnlyList<Modality>? Modalities { get; }
    IReadOnlyList<string>? Languages { get; }
    IReadOnlyList<string>? Payers { get; }
    decimal? SelfPayRate { get; }
    decimal? SlidingScaleMin { get; }
    Gender? Gender { get; }
    bool? LgbtqAffirming { get; }
    bool? BipocAffirming { get; }
    bool? OffersKetamineAssistedTherapy { get; }
    IReadOnlyList<AvailabilityWindow>? Availability { get; }
    string? OfficeAddress { get; }
    string? TelehealthLink { get; }
}

public static class ClinicianProfileInput
{
    /// <summary>The validated input as the profile the events store (lists de-duplicated, text trimmed).</summary>
    public static ClinicianProfile ToProfile(this IClinicianProfileInput input) => new(
        input.Name!.Trim(),
        string.IsNullOrWhiteSpace(input.Credentials) ? null : input.Credentials.Trim(),
        input.Email!.Trim(),
        input.TimeZone!.Trim(),
        Distinct(input.LicensedStates),
        Distinct(input.OfficeStates),
        Distinct(input.Formats),
        Distinct(input.SessionTypes),
        Distinct(input.AgeGroups),
        Distinct(input.Specialties),
        Distinct(input.Modalities),
        Distinct(input.Languages?.Select(l => l.Trim())),
        Distinct(input.Payers?.Select(p => p.Trim())),
        input.SelfPayRate,
        input.SlidingScaleMin,
        input.Gender,
        input.LgbtqAffirming ?? false,
        input.BipocAffirming ?? false,
        input.OffersKetamineAssistedTherapy ?? false,
        string.IsNullOrWhiteSpace(input.OfficeAddress) ? null : input.OfficeAddress.Trim(),
        string.IsNullOrWhiteSpace(input.TelehealthLink) ? null : input.TelehealthLink.Trim());

    public static bool IsValidTimeZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out _);

    /// <summary>An absolute http or https address: what a client's browser or video app can open.</summary>
    public static bool IsWebAddress(string? value) =>
        string.IsNullOrWhiteSpace(value)
        || Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);

    private static IReadOnlyList<T> Distinct<T>(IEnumerable<T>? items) => items?.Distinct().ToList() ?? [];
}

/// <summary>The rules every profile obeys, whether at onboarding or on a later update.</summary>
public class ClinicianProfileValidator<T> : AbstractValidator<T> where T : IClinicianProfileInput
{
    public ClinicianProfileValidator()
    {
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Credentials).MaximumLength(100);
        RuleFor(x => x.Email).NotEmpty().EmailAddress().MaximumLength(254);
        RuleFor(x => x.TimeZone).Must(ClinicianProfileInput.IsValidTimeZone)
            .WithMessage("Give an IANA time zone id, such as America/Denver.");
        RuleFor(x => x.LicensedStates).NotEmpty().WithMessage("Name at least one state the clinician is licensed in.")
            .AtMost(UsStates.Codes.Count);
        RuleFor(x => x.OfficeStates).AtMost(UsStates.Codes.Count);
        RuleForEach(x => x.LicensedStates).Must(UsStates.IsValid)
            .WithMessage("Give a US state as its two-letter code, such as CO.");
        RuleForEach(x => x.OfficeStates).Must(UsStates.IsValid)
            .WithMessage("Give a US state as its two-letter code, such as CO.");
        RuleFor(x => x.OfficeStates)
            .Must(states => states is { Count: > 0 })
            .When(x => x.Formats?.Contains(SessionFormat.InPerson) == true)
            .WithMessage("Offering in-person sessions needs at least one office state.");
        RuleFor(x => x.Formats).NotEmpty().WithMessage("Choose at least one format.").AtMost(InputLimits.Vocabulary<SessionFormat>());
        RuleFor(x => x.SessionTypes).NotEmpty().WithMessage("Choose at least one session type.").AtMost(InputLimits.Vocabulary<SessionType>());
        RuleFor(x => x.AgeGroups).NotEmpty().WithMessage("Choose at least one age group.").AtMost(InputLimits.Vocabulary<AgeGroup>());
        RuleFor(x => x.Specialties).NotEmpty().WithMessage("Choose at least one specialty.").AtMost(InputLimits.Vocabulary<Concern>());
        RuleFor(x => x.Modalities).AtMost(InputLimits.Vocabulary<Modality>());
        RuleFor(x => x.Languages).NotEmpty().WithMessage("Name at least one language.").AtMost(InputLimits.Languages);
        RuleForEach(x => x.Languages).NotEmpty().MaximumLength(40);
        RuleFor(x => x.Payers).AtMost(InputLimits.Payers);
        RuleForEach(x => x.Payers).NotEmpty().MaximumLength(100);
        this.WeeklyAvailability(x => x.Availability);
        RuleFor(x => x.SelfPayRate).GreaterThanOrEqualTo(0).LessThanOrEqualTo(10_000);
        RuleFor(x => x.SlidingScaleMin).GreaterThanOrEqualTo(0).LessThanOrEqualTo(10_000);
        RuleFor(x => x.OfficeAddress).MaximumLength(300);
        RuleFor(x => x.TelehealthLink).MaximumLength(500)
            .Must(ClinicianProfileInput.IsWebAddress).WithMessage("Give the video room's address, starting with https://.");
    }
}
