namespace Matching.Tests.Support;

/// <summary>
/// Heavy tests (a browser, the benchmark's smoke run) run alone, after the parallel classes, so a
/// loaded 2-core machine doesn't starve them into timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "run alone";
}
