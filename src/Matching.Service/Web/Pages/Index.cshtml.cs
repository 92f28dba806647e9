using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine;

namespace Matching.Service.Web.Pages;

/// <summary>The form as the browser posts it; turned into the API's <see cref="Intake"/> before any rule runs.</summary>
public sealed class IntakeForm
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public DateOnly? DateOfBirth { get; set; }
    public string? State { get; set; }
    public string? PostalCode { get; set; }
    public string? Pronouns { get; set; }
    public SessionType? SessionType { get; set; }
    public List<Concern> Concerns { get; set; } = [];
    public List<Modality> Modalities { get; set; } = [];
    public FormatPreference? Format { get; set; }
    public PaymentMethod? PaymentMethod { get; set; }
    public string? Payer { get; set; }
    public string? MemberId { get; set; }
    public decimal? MaxSessionRate { get; set; }
    public string? Languages { get; set; } = "English";
    public Gender? Gender { get; set; }
    public bool LgbtqAffirming { get; set; }
    public bool BipocAffirming { get; set; }
    public List<WeekDay> Days { get; set; } = [];
    public Dictionary<WeekDay, string?> From { get; set; } = new();
    public Dictionary<WeekDay, string?> To { get; set; } = new();
    public SelfHarmAnswer? Safety { get; set; }
    public bool Ketamine { get; set; }
    public string? Notes { get; set; }
    public bool ContactConsent { get; set; }
    public bool PrivacyConsent { get; set; }

    public Intake ToIntake() => new(
        new ClientDetails(Trim(FirstName), Trim(LastName), Trim(Email), Trim(Phone), DateOfBirth, Trim(State)?.ToUpperInvariant(),
            Trim(PostalCode), Trim(Pronouns)),
        SessionType,
        Concerns,
        Modalities,
        Format,
        PaymentMethod is null ? null : new Payment(PaymentMethod,
            PaymentMethod == Referrals.PaymentMethod.Insurance ? Trim(Payer) : null,
            PaymentMethod == Referrals.PaymentMethod.Insurance ? Trim(MemberId) : null,
            PaymentMethod == Referrals.PaymentMethod.SelfPay ? MaxSessionRate : null),
        (Languages ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        new ClinicianPreferences(Gender, LgbtqAffirming ? true : null, BipocAffirming ? true : null),
        Days.Select(d => new AvailabilityWindow(d, From.GetValueOrDefault(d), To.GetValueOrDefault(d))).ToList(),
        new SafetyAnswers(Safety),
        Ketamine,
        Trim(Notes),
        new Consent(ContactConsent, PrivacyConsent));

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The public "Get Matched with a Clinician" form: the intake command, sent to the handler the API's route invokes.</summary>
[EnableRateLimiting(SubmitIntakeEndpoint.RateLimitPolicy)]
public sealed class IndexModel(IMessageBus bus) : AppPage
{
    [BindProperty] public IntakeForm Form { get; set; } = new();

    /// <summary>Made when the form is rendered and sent with it: sending the same form twice (a double click) makes one referral.</summary>
    [BindProperty] public string? IdempotencyKey { get; set; }

    public bool ShowCrisis => Form.Safety is { } answer && answer != SelfHarmAnswer.NotAtAll;

    public void OnGet() => IdempotencyKey = Guid.NewGuid().ToString();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellation)
    {
        var intake = Form.ToIntake();
        var answer = await bus.AskAsync(new SubmitIntake(intake, IdempotencyKey), cancellation);
        if (answer.Problem is { Status: StatusCodes.Status422UnprocessableEntity })
        {
            // This form was sent before with other answers (changed after going back): a new key lets it go as a new request.
            Show(new ProblemDetails { Status = 422, Detail = "This form was already sent with other answers. Check them and send it again to make a new request." });
            IdempotencyKey = Guid.NewGuid().ToString();
            return Page();
        }
        if (answer.Problem is { } problem)
        {
            Show(problem);
            return Page();
        }
        TempData["urgent"] = answer.Result!.Urgent;
        return RedirectToPage("/Thanks");
    }
}
