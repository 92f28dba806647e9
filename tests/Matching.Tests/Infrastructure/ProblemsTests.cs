using System.Reflection;
using Matching.Service.Infrastructure;
using Matching.Service.Referrals;
using Matching.Service.Referrals.Erasing;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Matching.Tests.Infrastructure;

/// <summary>"Nothing wrong" has one value, the instance Wolverine's generated code compares a Validate's answer with.</summary>
public class ProblemsTests
{
    [Fact]
    public void valid_input_is_the_very_no_problems_instance_and_invalid_input_a_400()
    {
        Problems.Check(new EraseClientDataValidator(), new EraseClientData("Approved by counsel."))
            .ShouldBeSameAs(WolverineContinue.NoProblems);
        Problems.Check(new EraseClientDataValidator(), new EraseClientData("")).Status.ShouldBe(400);
        Problems.FirstOf(() => Problems.NoProblems, () => Problems.NotFound("proposal")).Status.ShouldBe(404);
        Problems.FirstOf(() => Problems.NoProblems).ShouldBeSameAs(WolverineContinue.NoProblems);
    }

    [Fact]
    public void no_check_or_validate_answers_null()
    {
        var nullability = new NullabilityInfoContext();
        var nullable = typeof(Referral).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(ProblemDetails)
                        && nullability.Create(m.ReturnParameter).ReadState != NullabilityState.NotNull)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToList();

        nullable.ShouldBeEmpty();
    }
}
