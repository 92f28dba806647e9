namespace Matching.Service.Shared;

/// <summary>
/// A client's personal data (names, contact, date of birth, member id, free text): the one mark erasure masks by, the audit
/// chain digests by and the integrity check holds erased values against (docs/adr/0013, 0014). On a property of an event or a
/// document, or a record's positional parameter; records nested in a marked type are followed.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PersonalDataAttribute : Attribute
{
    /// <summary>What the text reads as once erased, when not "(erased)": a value the serializer computed from erased parts.</summary>
    public string? ErasedAs { get; init; }
}
