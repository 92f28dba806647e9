using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Matching.Service.Shared;
using Microsoft.OpenApi;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Makes the generated schemas say what the service accepts. Request records are all-nullable so a missing field is a
/// 400 naming it rather than an unreadable body; the document instead marks as required what the validators require
/// (unconditional NotNull/NotEmpty), and carries their length and range limits, read from the validators themselves so
/// the rule lives in one place. A required member doesn't admit null; a nullable reference is written `anyOf [ref, null]`
/// (a `oneOf` fails when the enum itself admits null), and enums list only their values.
/// </summary>
public sealed class ApiSchemas : IOpenApiSchemaTransformer
{
    private static readonly Lazy<Dictionary<(Type, string), MemberRules>> Rules = new(ReadValidators);

    /// <summary>Erasure clears a date of birth to null (a date can't hold a marker), so answers may carry null there.</summary>
    private static readonly HashSet<(Type, string)> NullAfterErasure = [(typeof(Referrals.ClientDetails), nameof(Referrals.ClientDetails.DateOfBirth))];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum)
        {
            schema.Enum = schema.Enum?.Where(v => v is not null).ToList();
            if (schema.Type is { } t) schema.Type = t & ~JsonSchemaType.Null;
            return Task.CompletedTask;
        }
        // Called for the type wherever it appears (a body, or a property of one): the same schema each time.
        if (schema.Properties is null || schema.Properties.Count == 0) return Task.CompletedTask;

        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, declared) in schema.Properties.ToArray())
        {
            var property = declared;
            var clr = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (clr is null || !Rules.Value.TryGetValue((type, clr.Name), out var rules))
            {
                // Without a rule saying otherwise, a value the type lets be null need not be sent.
                if (!IsNullable(clr) && schema.Required?.Contains(name) == true) required.Add(name);
                continue;
            }
            if (rules.Whole.Any(v => v is INotNullValidator or INotEmptyValidator or IComparisonValidator { Comparison: Comparison.Equal }))
            {
                required.Add(name);
                if (!NullAfterErasure.Contains((type, clr.Name))) schema.Properties[name] = property = WithoutNull(property);
            }
            if (property is OpenApiSchema concrete)
            {
                Constrain(concrete, clr.PropertyType, rules.Whole);
                if (concrete.Items is OpenApiSchema items && rules.Items.Count > 0)
                    Constrain(items, ItemType(clr.PropertyType), rules.Items);
            }
        }
        if (type == typeof(AvailabilityWindow)) DescribeWindow(schema, required);
        schema.Required = required;
        return Task.CompletedTask;
    }

    /// <summary>The window rule is one predicate (<see cref="InputLimits.IsValidWindow" />): a day, and from before to as HH:mm.</summary>
    private static void DescribeWindow(OpenApiSchema schema, HashSet<string> required)
    {
        foreach (var name in schema.Properties!.Keys.ToArray())
        {
            required.Add(name);
            schema.Properties[name] = WithoutNull(schema.Properties[name]);
            if (name != "day" && schema.Properties[name] is OpenApiSchema time) time.Pattern = AvailabilityWindow.TimePattern;
        }
        schema.Description = "A weekly window in the practice's time zone; `from` before `to`.";
    }

    /// <summary>The member's schema without null: `type: [x, null]` loses null, `oneOf/anyOf [ref, null]` becomes the ref.</summary>
    private static IOpenApiSchema WithoutNull(IOpenApiSchema property)
    {
        if (property is not OpenApiSchema schema) return property;
        var branches = schema.OneOf ?? schema.AnyOf;
        if (branches is { Count: 2 } && branches.Count(IsNull) == 1) return branches.Single(b => !IsNull(b));
        if (schema.Type is { } t && t != JsonSchemaType.Null) schema.Type = t & ~JsonSchemaType.Null;
        return schema;
    }

    private static bool IsNull(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };

    private static bool IsNullable(PropertyInfo? property) =>
        property is null || Nullable.GetUnderlyingType(property.PropertyType) is not null
                         || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;

    private static Type ItemType(Type collection) =>
        collection.IsArray ? collection.GetElementType()!
            : collection.GetInterfaces().Append(collection)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
              ?? typeof(object);

    private static void Constrain(OpenApiSchema schema, Type type, IEnumerable<IPropertyValidator> validators)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var collection = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
        foreach (var validator in validators)
        {
            switch (validator)
            {
                case INotEmptyValidator when collection:
                    schema.MinItems = Math.Max(schema.MinItems ?? 0, 1);
                    break;
                case IMaxItemsValidator max when collection:
                    schema.MaxItems = max.Max;
                    break;
                case INotEmptyValidator when type == typeof(string):
                    schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                    break;
                case ILengthValidator length when type == typeof(string):
                    if (length.Max > 0) schema.MaxLength = length.Max;
                    if (length.Min > 0) schema.MinLength = length.Min;
                    break;
                case IRegularExpressionValidator pattern when type == typeof(string):
                    schema.Pattern = pattern.Expression;
                    break;
                case IBetweenValidator { From: IConvertible from, To: IConvertible to }:
                    schema.Minimum = Number(from);
                    schema.Maximum = Number(to);
                    break;
                case IComparisonValidator { Comparison: Comparison.Equal, ValueToCompare: bool value }:
                    schema.Enum = [JsonValue.Create(value)];
                    break;
                case IComparisonValidator { ValueToCompare: IConvertible bound } comparison when bound is not bool:
                    switch (comparison.Comparison)
                    {
                        case Comparison.GreaterThanOrEqual: schema.Minimum = Number(bound); break;
                        case Comparison.GreaterThan: schema.ExclusiveMinimum = Number(bound); break;
                        case Comparison.LessThanOrEqual: schema.Maximum = Number(bound); break;
                        case Comparison.LessThan: schema.ExclusiveMaximum = Number(bound); break;
                    }
                    break;
            }
        }
    }

    private static string Number(IConvertible value) => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)
        .ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A member's unconditional rules: on the member itself, and on each of its items (<c>RuleForEach</c>).</summary>
    private sealed record MemberRules(List<IPropertyValidator> Whole, List<IPropertyValidator> Items);

    /// <summary>
    /// Every validator of the service (those the container holds), its unconditional rules indexed by the declaring type and
    /// property they constrain: `RuleFor(x => x.Client!.FirstName)` constrains ClientDetails.FirstName. A rule inside a
    /// `When` block on its parent's presence counts (the block's condition is the rule's, not its components'); a rule
    /// with its own `.When` doesn't.
    /// </summary>
    private static readonly IServiceProvider Defaults = new ServiceCollection()
        .AddSingleton(TimeProvider.System).AddSingleton(new MatchingOptions()).BuildServiceProvider();

    private static Dictionary<(Type, string), MemberRules> ReadValidators()
    {
        var index = new Dictionary<(Type, string), MemberRules>();
        foreach (var validatorType in CommandSetup.ValidatorTypes())
        {
            // The rules' shapes don't depend on the clock or settings a validator compares with: defaults will do to read them.
            var validator = (IValidator)ActivatorUtilities.CreateInstance(Defaults, validatorType);
            var root = validator.GetType().GetInterfaces()
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)).GetGenericArguments()[0];
            foreach (var rule in validator.CreateDescriptor().Rules)
            {
                if (rule.PropertyName is not { } path || Resolve(root, path) is not { } target) continue;
                var unconditional = rule.Components.Where(c => c is { HasCondition: false, HasAsyncCondition: false })
                    .Select(c => c.Validator);
                if (!index.TryGetValue(target, out var rules)) index[target] = rules = new MemberRules([], []);
                var forEach = rule.GetType().Name.StartsWith("CollectionPropertyRule", StringComparison.Ordinal);
                (forEach ? rules.Items : rules.Whole).AddRange(unconditional);
            }
        }
        return index;
    }

    // Validators name nested members as the API spells them ("client.firstName").
    private const BindingFlags Members = BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase;

    /// <summary>"client.firstName" on Intake → (ClientDetails, FirstName).</summary>
    private static (Type, string)? Resolve(Type root, string path)
    {
        var type = root;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var property = type.GetProperty(segments[i], Members);
            if (property is null) return null;
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }
        return type.GetProperty(segments[^1], Members) is { } last ? (type, last.Name) : null;
    }
}
