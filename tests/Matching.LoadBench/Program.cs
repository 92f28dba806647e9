namespace Matching.LoadBench;

public static class EntryPoint
{
    public static Task<int> Main(string[] args) => Harness.RunAsync(args);
}
