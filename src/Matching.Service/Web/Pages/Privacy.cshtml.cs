using Matching.Service.Infrastructure;

namespace Matching.Service.Web.Pages;

/// <summary>The privacy notice the intake form asks a person to accept, in plain words.</summary>
public sealed class PrivacyModel(MatchingOptions options) : AppPage
{
    public MatchingOptions Practice => options;
}
