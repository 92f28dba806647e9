namespace Matching.Service.Matching;

/// <summary>
/// How much each soft criterion weighs, bound from "Matching:Weights". The engine rescales them to
/// sum to 100, so the score stays 0–100 whatever is configured; bump <see cref="Version"/> on any change
/// so recorded suggestions say which weights ranked them.
/// </summary>
public sealed class MatchWeights
{
    public const string SectionName = "Matching:Weights";

    public string Version { get; set; } = "1";
    public double Specialty { get; set; } = 35;
    public double Modality { get; set; } = 15;
    public double Identity { get; set; } = 10;
    public double Availability { get; set; } = 25;
    public double Capacity { get; set; } = 15;
}
