using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.SubmittingIntake;
using Matching.Service.Shared;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
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
    public bool TextMessagesOk { get; set; }

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
        new Consent(ContactConsent, PrivacyConsent, TextMessagesOk));

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The crisis resources' box: shown or waiting for a worrying answer, on the form or after it was sent.</summary>
public sealed record CrisisBox(bool Shown, bool Sent);

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
        if (answer.Problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid)
        {
            // The form lists its own refusals in the summary at its top, so the page's general notice is not shown.
            foreach (var (key, messages) in invalid.Errors) Errors[key] = messages;
            foreach (var (index, day) in Form.Days.Index())
            {
                // The rule speaks of windows, as the API does; the form shows a day's hours.
                if (Errors.ContainsKey($"availability[{index}]"))
                    Errors[$"availability[{index}]"] = [$"Please check your hours on {day}: the \"from\" time should be before the \"until\" time."];
            }
            return Page();
        }
        if (answer.Problem is { } problem)
        {
            Show(problem);
            return Page();
        }
        TempData[ThanksModel.ReferenceKey] = ReferralReference.Of(answer.Result!.ReferralId);
        TempData[ThanksModel.UrgentKey] = answer.Result.Urgent;
        return RedirectToPage("/Thanks");
    }

    /// <summary>
    /// The form's fields in the order the page shows them, by the key (or the start of the key) the intake's rules report:
    /// a group of options is reached through its first option.
    /// </summary>
    private static readonly (string Key, string Field)[] Fields =
    [
        ("client", "first-name"), ("client.firstName", "first-name"), ("client.lastName", "last-name"), ("client.pronouns", "pronouns"),
        ("client.dateOfBirth", "dob"), ("client.state", "state"), ("client.postalCode", "postal"),
        ("client.email", "email"), ("client.phone", "phone"), ("sessionType", "session-type"), ("concerns", "concerns"),
        ("preferredModalities", "modalities"), ("format", "format"), ("payment", "payment-method"), ("payment.method", "payment-method"),
        ("payment.payer", "payer"), ("payment.memberId", "member-id"), ("payment.maxSessionRate", "rate"), ("languages", "languages"),
        ("availability", "availability"), ("safety", "safety"), ("safety.thoughtsOfSelfHarm", "safety"), ("notes", "notes"),
        ("consent", "contact-consent"), ("consent.contact", "contact-consent"), ("consent.privacyNoticeAccepted", "privacy-consent")
    ];

    /// <summary>Each refusal with the id of the field it is about, in the page's order: the error summary's links.</summary>
    public IReadOnlyList<(string Field, string Message)> Summary =>
        Errors
            .Select(e => (Place: Place(e.Key), Message: string.Join(" ", e.Value)))
            .OrderBy(e => e.Place.Order)
            .Select(e => (e.Place.Field, e.Message))
            .ToList();

    private (int Order, string Field) Place(string key)
    {
        var (name, index) = Split(key);
        // An hour window is reached through its day's "from" time.
        if (name == "availability" && index is { } i && i < Form.Days.Count)
            return (Array.FindIndex(Fields, f => f.Key == name), $"from-{Form.Days[i]}");
        var at = Array.FindIndex(Fields, f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase));
        return at < 0 ? (Fields.Length, "send") : (at, Fields[at].Field);
    }

    // "languages[2]" -> ("languages", 2)
    private static (string Name, int? Index) Split(string key)
    {
        var open = key.IndexOf('[');
        return open < 0 || !int.TryParse(key.AsSpan(open + 1, key.Length - open - 2), out var index)
            ? (key, null)
            : (key[..open], index);
    }

    /// <summary>The keys of the refusals about a field: its own, and those about its items ("languages[1]" under "languages").</summary>
    private IEnumerable<string> KeysOf(string key) =>
        Errors.Keys.Where(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)
                               || string.Equals(Split(k).Name, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every refusal about a field, each a paragraph its <see cref="Described"/> attributes point to.</summary>
    public IHtmlContent ErrorsOf(string key)
    {
        var html = new HtmlContentBuilder();
        foreach (var k in KeysOf(key)) html.AppendHtml(ErrorFor(k));
        return html;
    }

    /// <summary>
    /// A field's aria attributes: described by its hint (when it has one) and by its refusals, and invalid when it has any.
    /// One attribute for both, as a second aria-describedby on an element is ignored.
    /// </summary>
    public IHtmlContent Described(string key, string? hint = null)
    {
        var errors = KeysOf(key).Select(ErrorId).ToList();
        var ids = string.Join(' ', (hint is null ? errors : errors.Prepend(hint)));
        if (ids.Length == 0) return HtmlString.Empty;
        var encoder = HtmlEncoder.Default;
        return new HtmlString($"aria-describedby=\"{encoder.Encode(ids)}\"{(errors.Count > 0 ? " aria-invalid=\"true\"" : "")}");
    }
}
