using System.Linq.Expressions;
using FluentValidation;

namespace Matching.Service.Shared;

/// <summary>
/// How many items the lists a request carries may hold (docs/http-api.md, "Limits"): a list past its limit is a 400
/// naming it, so no request can make a referral or a profile that matching then has to walk a thousand times.
/// </summary>
public static class InputLimits
{
    public const int Languages = 20;
    public const int Payers = 50;

    /// <summary>Four windows a day.</summary>
    public const int AvailabilityWindows = 28;

    public const string WindowMessage = "Each window needs a day and a from/to time as HH:mm, from before to.";

    /// <summary>A closed vocabulary can't be chosen more times than it has words.</summary>
    public static int Vocabulary<TEnum>() where TEnum : struct, Enum => Enum.GetValues<TEnum>().Length;

    public static IRuleBuilderOptions<T, IReadOnlyList<TItem>?> AtMost<T, TItem>(this IRuleBuilder<T, IReadOnlyList<TItem>?> rule, int max) =>
        rule.SetValidator(new MaxItemsValidator<T, TItem>(max));

    public static bool IsValidWindow(AvailabilityWindow? window) => window is { Day: not null } && window.TryParse(out _, out _);

    /// <summary>The rules of every weekly availability list: its length, and each window a day with from before to.</summary>
    public static void WeeklyAvailability<T>(this AbstractValidator<T> validator, Expression<Func<T, IReadOnlyList<AvailabilityWindow>?>> windows)
    {
        validator.RuleFor(windows).AtMost(AvailabilityWindows);
        var each = Expression.Lambda<Func<T, IEnumerable<AvailabilityWindow?>>>(windows.Body, windows.Parameters);
        validator.RuleForEach(each).Must(IsValidWindow).WithMessage(WindowMessage);
    }
}

/// <summary>A list's length limit, readable by the API document as <c>maxItems</c>.</summary>
public interface IMaxItemsValidator
{
    int Max { get; }
}

public sealed class MaxItemsValidator<T, TItem>(int max) : FluentValidation.Validators.PropertyValidator<T, IReadOnlyList<TItem>?>, IMaxItemsValidator
{
    public int Max => max;

    public override string Name => "MaxItemsValidator";

    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<TItem>? value) => value is null || value.Count <= max;

    protected override string GetDefaultMessageTemplate(string errorCode) => $"At most {max}.";
}
