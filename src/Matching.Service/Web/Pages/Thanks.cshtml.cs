namespace Matching.Service.Web.Pages;

public sealed class ThanksModel : AppPage
{
    public bool Urgent { get; private set; }

    public void OnGet() => Urgent = TempData["urgent"] is true;
}
