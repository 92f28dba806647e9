using Matching.Service.Infrastructure;

namespace Matching.Service.Web.Pages;

/// <summary>
/// The confirmation after the form is sent: the referral's reference and, for an urgent answer, the crisis resources.
/// Both are peeked, not read, so a refresh shows them again; the reference alone reveals nothing about the person.
/// </summary>
public sealed class ThanksModel(MatchingOptions options) : AppPage
{
    public const string ReferenceKey = "reference";
    public const string UrgentKey = "urgent";

    public string? Reference { get; private set; }
    public bool Urgent { get; private set; }
    public MatchingOptions Practice => options;

    public void OnGet()
    {
        Reference = TempData.Peek(ReferenceKey) as string;
        Urgent = TempData.Peek(UrgentKey) is true;
    }
}
