namespace Matching.Tests.Web;

/// <summary>
/// The page tests share one service on Kestrel and one Chromium (<see cref="BrowserFixture"/>), and run alone, after the
/// parallel classes, so a loaded 2-core machine doesn't starve the browser into timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PagesCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "pages";
}
