using System.Text.Json;
using System.Text.Json.Nodes;

namespace Matching.Service.Audit;

/// <summary>
/// A path of property names into a JSON object ("intake.client.firstName"), read the same way from a node or from an element
/// as read; object properties only (a personal value in a list would have no path of its own to digest).
/// </summary>
public sealed class JsonPath
{
    private readonly string[] _segments;

    public JsonPath(string text)
    {
        Text = text;
        _segments = text.Split('.');
    }

    public string Text { get; }

    public IReadOnlyList<string> Segments => _segments;

    /// <summary>The value at the path; null when a segment is missing or the value is null.</summary>
    public JsonNode? Get(JsonObject data)
    {
        JsonNode? node = data;
        foreach (var segment in _segments)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node)) return null;
        }
        return node;
    }

    /// <summary>The value at the path as read; null when a segment is missing or the value is null, as for a node.</summary>
    public JsonElement? Get(JsonElement data)
    {
        var node = data;
        foreach (var segment in _segments)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(segment, out node)) return null;
        }
        return node.ValueKind == JsonValueKind.Null ? null : node;
    }

    /// <summary>Replaces the value at the path if it is there (a missing parent or key stays missing).</summary>
    public void Set(JsonObject data, JsonNode? value)
    {
        JsonNode? node = data;
        foreach (var segment in _segments[..^1])
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node)) return;
        }
        if (node is JsonObject parent && parent.ContainsKey(_segments[^1])) parent[_segments[^1]] = value;
    }

    public override string ToString() => Text;
}
