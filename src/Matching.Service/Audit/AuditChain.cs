using System.Buffers;
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
    public static string Canonical(AuditFacts facts, IReadOnlyDictionary<string, string>? digests) =>
        Encoding.UTF8.GetString(new CanonicalWriter().Write(facts.Sequence, facts.StreamId, facts.Type, facts.TypeAlias, facts.At,
            facts.Actor, facts.CorrelationId, facts.CausationId, JsonSerializer.SerializeToElement(facts.Data), digests));

    public static string Next(string previousHash, string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + canonical)));

    /// <summary>HMAC-SHA256 of one personal value under the subject's salt, bound to its path.</summary>
    public static string Digest(byte[] salt, string path, JsonNode value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(path + "=" + value.ToJsonString())));

    /// <summary>The same digest from the value as read (a JsonNode's JSON is its element written with default options).</summary>
    public static string Digest(byte[] salt, string path, JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(Encoding.UTF8.GetBytes(path + "="));
        using (var writer = new Utf8JsonWriter(buffer)) value.WriteTo(writer);
        return Convert.ToHexStringLower(HMACSHA256.HashData(salt, buffer.WrittenSpan));
    }

    /// <summary>Microseconds, UTC: what PostgreSQL keeps of a timestamp.</summary>
    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Writes the canonical form straight from the event's JSON as read (no copy of the data to edit) into a buffer it
/// reuses, and hashes it onto the previous hash without building the text. One instance per thread of work.
/// </summary>
public sealed class CanonicalWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<JsonProperty> _properties = [];

    public CanonicalWriter() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The canonical form's UTF-8, valid until the next call. Keys in ordinal order, as a sorted write of the whole would give.</summary>
    public ReadOnlySpan<byte> Write(long sequence, Guid streamId, string type, string typeAlias, DateTimeOffset at, AuditActor actor,
        string? correlationId, string? causationId, JsonElement data, IReadOnlyDictionary<string, string>? digests)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WritePropertyName("actor");
        w.WriteStartObject();
        WriteString("name", actor.Name);
        WriteString("role", actor.Role);
        WriteString("sub", actor.Sub);
        w.WriteEndObject();
        w.WriteString("at", AuditChain.Instant(at));
        WriteString("causationId", causationId);
        WriteString("correlationId", correlationId);
        w.WritePropertyName("data");
        WriteData(data, PersonalData.Of(type, typeAlias)?.Tree, digests);
        w.WriteNumber("sequence", sequence);
        w.WriteString("streamId", streamId.ToString("D"));
        WriteString("type", type);
        WriteString("typeAlias", typeAlias);
        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenSpan;
    }

    /// <summary>hash(n) from hash(n-1) and the canonical UTF-8, as <see cref="AuditChain.Next"/> computes it from text.</summary>
    public string Next(string previousHash, ReadOnlySpan<byte> canonical)
    {
        Span<byte> previous = stackalloc byte[previousHash.Length * 3 + 1];
        var length = Encoding.UTF8.GetBytes(previousHash, previous);
        previous[length++] = (byte)'\n';
        _sha256.AppendData(previous[..length]);
        _sha256.AppendData(canonical);
        Span<byte> hash = stackalloc byte[32];
        _sha256.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    private void WriteString(string name, string? value)
    {
        if (value is null) _writer.WriteNull(name);
        else _writer.WriteString(name, value);
    }

    private void WriteData(JsonElement element, PersonalNode? personal, IReadOnlyDictionary<string, string>? digests)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var first = _properties.Count;
                foreach (var property in element.EnumerateObject()) _properties.Add(property);
                var count = _properties.Count - first;
                // Sorted in place at the end of the shared list; nested objects sort after it, above this range.
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_properties).Slice(first, count)
                    .Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                _writer.WriteStartObject();
                for (var i = first; i < first + count; i++)
                {
                    var property = _properties[i];
                    _writer.WritePropertyName(property.Name);
                    var child = personal?.Child(property.Name);
                    if (child?.Path is { } path)
                    {
                        if (digests is not null && digests.TryGetValue(path, out var digest)) _writer.WriteStringValue("digest:" + digest);
                        // A value with no digest was never hashed: it must not verify.
                        else if (property.Value.ValueKind == JsonValueKind.Null) _writer.WriteNullValue();
                        else _writer.WriteStringValue("undigested");
                    }
                    else
                    {
                        WriteData(property.Value, child, digests);
                    }
                }
                _writer.WriteEndObject();
                _properties.RemoveRange(first, count);
                break;
            case JsonValueKind.Array:
                _writer.WriteStartArray();
                // Personal paths name object properties only.
                foreach (var item in element.EnumerateArray()) WriteData(item, null, digests);
                _writer.WriteEndArray();
                break;
            default:
                element.WriteTo(_writer);
                break;
        }
    }
}
