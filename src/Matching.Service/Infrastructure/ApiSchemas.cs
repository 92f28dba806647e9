using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Matching.Service.Infrastructure;

/// <summary>
/// Makes the generated schemas say what the service accepts. Request records are all-nullable so a missing field is a
/// 400 naming it rather than an unreadable body; the document instead marks as required what the validators require
/// (unconditional NotNull/NotEmpty), and carries their length and range limits, read from the validators themselves so
/// the rule lives in one place. A nullable reference is written `anyOf [ref, null]` (a `oneOf` fails when the enum
/// itself admits null), and enums list only their values.
/// </summary>
public sealed class ApiSchemas : IOpenApiSchemaTransformer
{
    private static readonly Lazy<Dictionary<(Type, string), List<IPropertyValidator>>> Rules = new(ReadValidators);

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
        foreach (var (name, property) in schema.Properties.ToArray())
        {
            var clr = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (clr is null || !Rules.Value.TryGetValue((type, clr.Name), out var validators))
            {
                // Without a rule saying otherwise, a value the type lets be null need not be sent.
                if (!IsNullable(clr) && schema.Required?.Contains(name) == true) required.Add(name);
                continue;
            }
            if (validators.Any(v => v is INotNullValidator or INotEmptyValidator)) required.Add(name);
            if (property is OpenApiSchema concrete) Constrain(concrete, clr.PropertyType, validators);
        }
        schema.Required = required;
        return Task.CompletedTask;
    }

    private static bool IsNull(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };

    private static bool IsNullable(PropertyInfo? property) =>
        property is null || Nullable.GetUnderlyingType(property.PropertyType) is not null
                         || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;

    private static void Constrain(OpenApiSchema schema, Type type, IEnumerable<IPropertyValidator> validators)
    {
        var collection = type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
        foreach (var validator in validators)
        {
            switch (validator)
            {
                case INotEmptyValidator when collection:
                    schema.MinItems = Math.Max(schema.MinItems ?? 0, 1);
                    break;
                case INotEmptyValidator when type == typeof(string):
                    schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                    break;
                case ILengthValidator length when type == typeof(string):
                    if (length.Max > 0) schema.MaxLength = length.Max;
                    if (length.Min > 0) schema.MinLength = length.Min;
                    break;
                case IBetweenValidator { From: IConvertible from, To: IConvertible to }:
                    schema.Minimum = Number(from);
                    schema.Maximum = Number(to);
                    break;
                case IComparisonValidator { ValueToCompare: IConvertible bound } comparison:
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

    /// <summary>
    /// Every validator of the service (concrete, parameterless), its unconditional rules indexed by the declaring type and
    /// property they constrain: `RuleFor(x => x.Client!.FirstName)` constrains ClientDetails.FirstName.
    /// </summary>
    private static Dictionary<(Type, string), List<IPropertyValidator>> ReadValidators()
    {
        var index = new Dictionary<(Type, string), List<IPropertyValidator>>();
        var validatorTypes = typeof(ApiSchemas).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IValidator).IsAssignableFrom(t)
                        && t.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes) is not null);
        foreach (var validatorType in validatorTypes)
        {
            var validator = (IValidator)Activator.CreateInstance(validatorType, nonPublic: true)!;
            var root = validator.GetType().GetInterfaces()
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)).GetGenericArguments()[0];
            foreach (var member in validator.CreateDescriptor().GetMembersWithValidators())
            {
                if (Resolve(root, member.Key) is not { } target) continue;
                var unconditional = member.Where(m => m.Options is not { HasCondition: true } and not { HasAsyncCondition: true })
                    .Select(m => m.Validator);
                if (!index.TryGetValue(target, out var list)) index[target] = list = [];
                list.AddRange(unconditional);
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
