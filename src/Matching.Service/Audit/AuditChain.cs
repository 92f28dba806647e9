using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Matching.Service.Audit;

/// <summary>What an event says, from whichever copy we hold of it (the event row or its audit entry).</summary>
public sealed record AuditFacts(
    long Sequence, Guid StreamId, string Type, string TypeAlias, DateTimeOffset At, AuditActor Actor,
    string? CorrelationId, string? CausationId, JsonObject Data);

/// <summary>
/// The tamper-evident chain: hash(n) = SHA-256(hash(n-1) || canonical(n)). The canonical form holds
/// the event's sequence, stream, type, time, actor, correlation, causation and data, with each personal
/// field replaced by its salted digest, written with sorted keys so the same facts always give the same text.
/// </summary>
public static class AuditChain
{
    public static string Canonical(AuditFacts facts, IReadOnlyDictionary<string, string>? digests)
    {
        var data = facts.Data.DeepClone().AsObject();
        foreach (var path in PersonalFields.For(facts.Type))
        {
            var value = PersonalFields.Get(data, path);
            JsonNode? replacement = digests is not null && digests.TryGetValue(path, out var digest)
                ? JsonValue.Create("digest:" + digest)
                // A value with no digest was never hashed: it must not verify.
                : value is null ? null : JsonValue.Create("undigested");
            PersonalFields.Set(data, path, replacement);
        }

        var root = new JsonObject
        {
            ["sequence"] = facts.Sequence,
            ["streamId"] = facts.StreamId.ToString("D"),
            ["type"] = facts.Type,
            ["typeAlias"] = facts.TypeAlias,
            ["at"] = Instant(facts.At),
            ["actor"] = new JsonObject { ["sub"] = facts.Actor.Sub, ["name"] = facts.Actor.Name, ["role"] = facts.Actor.Role },
            ["correlationId"] = facts.CorrelationId,
            ["causationId"] = facts.CausationId,
            ["data"] = data
        };

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) WriteSorted(writer, root);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Next(string previousHash, string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + canonical)));

    /// <summary>HMAC-SHA256 of one personal value under the subject's salt, bound to its path.</summary>
    public static string Digest(byte[] salt, string path, JsonNode value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(path + "=" + value.ToJsonString())));

    /// <summary>Microseconds, UTC: what PostgreSQL keeps of a timestamp.</summary>
    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
