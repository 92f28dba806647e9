using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Matching.Service.Infrastructure;
using Matching.Service.Shared;

namespace Matching.Service.Audit;

/// <summary>
/// Where a client's personal data sits, read from the <see cref="PersonalDataAttribute"/> marks and nowhere else: in an
/// event's JSON as stored (the fields the audit chain digests, erasure masks in place and the integrity check holds erased
/// values against) and in a document (what erasure clears from a snapshot or a queue row).
/// </summary>
public static class PersonalData
{
    public const string Erased = "(erased)";

    private static readonly ConcurrentDictionary<(string Type, string Alias), PersonalShape?> ByStoredName = new();
    private static readonly ConcurrentDictionary<Type, PersonalShape?> ByType = new();

    /// <summary>
    /// The personal fields of an event row as stored: its type's CLR name and its alias name the shape its JSON has (an older
    /// version's, for an alias an event moved on from). Null when the row holds none.
    /// </summary>
    public static PersonalShape? Of(string type, string typeAlias) =>
        ByStoredName.GetOrAdd((type, typeAlias), static key => EventVersions.StoredShape(key.Type, key.Alias) is { } shape ? Of(shape) : null);

    /// <summary>The personal fields of a type's JSON; null when it holds none.</summary>
    public static PersonalShape? Of(Type type) => ByType.GetOrAdd(type, PersonalShape.Read);

    /// <summary>
    /// A copy of the document with every marked value erased: text reads <see cref="Erased"/>, a date is cleared (it can't hold
    /// the marker), a value never given stays null. Records nested in it, alone or in lists, are copied the same way.
    /// </summary>
    public static T Erase<T>(T document) where T : class => Eraser.For(document.GetType()) is { } eraser ? (T)eraser.Erase(document) : document;

    /// <summary>What a marked property reads as once erased: text the marker (or the mark's own), anything else null.</summary>
    internal static string? ErasedText(PropertyInfo property, PersonalDataAttribute mark)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(string)) return mark.ErasedAs ?? Erased;
        if (type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            if (property.PropertyType == type) throw Unmarkable(property, "a date erasure clears must be nullable");
            return null;
        }
        throw Unmarkable(property, $"erasure has no value for a {type.Name}");
    }

    private static InvalidOperationException Unmarkable(PropertyInfo property, string why) =>
        new($"[PersonalData] on {property.DeclaringType?.Name}.{property.Name}: {why}.");
}

/// <summary>One personal field of a stored shape: its JSON path, and what it reads as once erased (null for a cleared date).</summary>
public sealed record PersonalField(JsonPath Path, string? ErasedText)
{
    public JsonNode? ErasedValue => ErasedText is null ? null : JsonValue.Create(ErasedText);

    /// <summary>True when the value is what erasure leaves, or was never given.</summary>
    public bool IsErased(JsonNode? value) => value is null || JsonNode.DeepEquals(ErasedValue, value);
}

/// <summary>One stored shape's personal fields, as a list and as a tree of property names that the canonical form walks.</summary>
public sealed class PersonalShape
{
    private PersonalShape(IReadOnlyList<PersonalField> fields)
    {
        Fields = fields;
        Tree = PersonalNode.Of(fields);
    }

    public IReadOnlyList<PersonalField> Fields { get; }

    public PersonalNode Tree { get; }

    /// <summary>The JSON as erasure leaves it: every personal value present replaced where it lies, every other byte kept.</summary>
    public JsonObject Mask(JsonObject data)
    {
        var copy = data.DeepClone().AsObject();
        foreach (var field in Fields)
        {
            if (field.Path.Get(copy) is not null) field.Path.Set(copy, field.ErasedValue);
        }
        return copy;
    }

    internal static PersonalShape? Read(Type type)
    {
        var fields = new List<PersonalField>();
        Collect(type, "", fields, []);
        return fields.Count == 0 ? null : new PersonalShape(fields);
    }

    private static void Collect(Type type, string prefix, List<PersonalField> fields, HashSet<Type> within)
    {
        if (!within.Add(type)) return;
        foreach (var property in Marks.Serialized(type))
        {
            var path = prefix + Marks.JsonName(property);
            if (Marks.Of(property) is { } mark) fields.Add(new PersonalField(new JsonPath(path), PersonalData.ErasedText(property, mark)));
            else if (Marks.Holds(property.PropertyType)) Collect(property.PropertyType, path + ".", fields, within);
            else if (Marks.ItemType(property.PropertyType) is { } item && Marks.Holds(item))
                throw new InvalidOperationException(
                    $"{type.Name}.{property.Name}: personal data inside a list of an event has no path of its own for the audit chain to digest.");
        }
        within.Remove(type);
    }
}

/// <summary>A level of a shape's personal paths: the property names below it, and the whole path where a field ends.</summary>
public sealed class PersonalNode
{
    private readonly Dictionary<string, PersonalNode> _children = new(StringComparer.Ordinal);

    /// <summary>Set where a personal field ends.</summary>
    public string? Path { get; private init; }

    public PersonalNode? Child(string name) => _children.GetValueOrDefault(name);

    internal static PersonalNode Of(IEnumerable<PersonalField> fields)
    {
        var root = new PersonalNode();
        foreach (var field in fields)
        {
            var node = root;
            var segments = field.Path.Segments;
            for (var i = 0; i < segments.Count; i++)
            {
                if (!node._children.TryGetValue(segments[i], out var next))
                    node._children[segments[i]] = next = new PersonalNode { Path = i == segments.Count - 1 ? field.Path.Text : null };
                node = next;
            }
        }
        return root;
    }
}

/// <summary>How the marks are read off a type: on its properties or its record's positional parameters, and what holds them.</summary>
internal static class Marks
{
    private static readonly ConcurrentDictionary<Type, bool> Holding = new();

    /// <summary>The properties the store's serializer writes, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> Serialized(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0
                    && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always });

    /// <summary>The property's name in the stored JSON (the store writes camelCase).</summary>
    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    public static PersonalDataAttribute? Of(PropertyInfo property) =>
        property.GetCustomAttribute<PersonalDataAttribute>()
        ?? property.DeclaringType?.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .FirstOrDefault(p => p.Name == property.Name && p.ParameterType == property.PropertyType)
            ?.GetCustomAttribute<PersonalDataAttribute>();

    /// <summary>True for the service's own types that carry a mark, themselves or in a record or list they hold.</summary>
    public static bool Holds(Type type) => Own(type) && Holding.GetOrAdd(type, static t => Look(t, []));

    private static bool Look(Type type, HashSet<Type> within)
    {
        // A type met again on the way down ends the walk there.
        if (!Own(type) || !within.Add(type)) return false;
        var holds = Serialized(type).Any(p =>
            Of(p) is not null || Look(p.PropertyType, within) || ItemType(p.PropertyType) is { } item && Look(item, within));
        within.Remove(type);
        return holds;
    }

    public static Type? ItemType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static bool Own(Type type) =>
        type.Assembly == typeof(Marks).Assembly && !type.IsEnum && !type.IsPrimitive && (type.IsClass || type.IsValueType && !type.IsGenericType);
}

/// <summary>Copies a record with its marked values erased (see <see cref="PersonalData.Erase{T}"/>).</summary>
internal sealed class Eraser
{
    private static readonly ConcurrentDictionary<Type, Eraser?> Cache = new();
    private readonly MethodInfo _clone;
    private readonly IReadOnlyList<Action<object>> _steps;

    private Eraser(MethodInfo clone, IReadOnlyList<Action<object>> steps)
    {
        _clone = clone;
        _steps = steps;
    }

    public static Eraser? For(Type type) => Cache.GetOrAdd(type, Build);

    public object Erase(object value)
    {
        var copy = _clone.Invoke(value, null)!;
        foreach (var step in _steps) step(copy);
        return copy;
    }

    private static Eraser? Build(Type type)
    {
        if (!Marks.Holds(type)) return null;
        // A record's compiler-made copy: erasure changes a copy, as `with` would.
        var clone = type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance)
                    ?? throw new InvalidOperationException($"{type.Name} holds personal data but is not a record: erasure copies records.");
        var steps = new List<Action<object>>();
        foreach (var property in Marks.Serialized(type))
        {
            if (Marks.Of(property) is { } mark)
            {
                var erased = PersonalData.ErasedText(property, mark);
                steps.Add(Settable(property, copy =>
                {
                    if (property.GetValue(copy) is not null) property.SetValue(copy, erased);
                }));
            }
            else if (Marks.Holds(property.PropertyType))
            {
                steps.Add(Settable(property, copy =>
                {
                    if (property.GetValue(copy) is { } nested) property.SetValue(copy, For(nested.GetType())!.Erase(nested));
                }));
            }
            else if (Marks.ItemType(property.PropertyType) is { } item && Marks.Holds(item))
            {
                var listType = typeof(List<>).MakeGenericType(item);
                steps.Add(Settable(property, copy =>
                {
                    if (property.GetValue(copy) is not IEnumerable items) return;
                    var list = (IList)Activator.CreateInstance(listType)!;
                    foreach (var one in items) list.Add(one is null ? null : For(one.GetType())?.Erase(one) ?? one);
                    property.SetValue(copy, list);
                }));
            }
        }
        return new Eraser(clone, steps);
    }

    private static Action<object> Settable(PropertyInfo property, Action<object> step) =>
        property.SetMethod is not null
            ? step
            : throw new InvalidOperationException($"{property.DeclaringType?.Name}.{property.Name} holds personal data but can't be set on a copy.");
}
