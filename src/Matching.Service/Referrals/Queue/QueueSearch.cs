using System.Text;

namespace Matching.Service.Referrals.Queue;

/// <summary>
/// What a coordinator typed in the queue's search box, read as every kind of key it could be: a piece of the client's
/// name or email (case ignored), a phone number however it was punctuated, or a referral reference.
/// </summary>
public sealed record QueueSearch(string Text, string? Digits, string? Reference)
{
    public const int MinLength = 2;
    public const int MaxLength = 100;

    /// <summary>Null for an empty search; the caller checks the length first (<see cref="Problem"/>).</summary>
    public static QueueSearch? Parse(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var text = Collapse(typed);
        var digits = PhoneDigits(typed);
        // A phone is typed with digits and punctuation only; a few digits alone are too common to mean a phone.
        var phone = digits.Length >= 3 && typed.All(c => char.IsDigit(c) || " ()+-.".Contains(c)) ? digits : null;
        return new QueueSearch(text, phone, ReferralReference.Normalize(typed));
    }

    /// <summary>Why the typed text can't be searched for, or null.</summary>
    public static string? Problem(string? typed) =>
        string.IsNullOrWhiteSpace(typed) ? null
        : typed.Trim().Length < MinLength ? $"Type at least {MinLength} characters to search."
        : typed.Length > MaxLength ? $"Search for at most {MaxLength} characters."
        : null;

    /// <summary>
    /// The row's searchable text: name and email in lower case with single spaces, then the phone's digits. Kept on the
    /// queue row so one trigram index serves every kind of search.
    /// </summary>
    public static string TextOf(IntakeClient client) => TextOf(client.FullName, client.Email, client.Phone);

    public static string TextOf(string name, string? email, string? phone) =>
        string.Join(' ', new[] { Collapse(name), Collapse(email ?? ""), PhoneDigits(phone ?? "") }
            .Where(part => part.Length > 0));

    /// <summary>A phone's digits without a leading North American country code, so "+1 (303) 555-0101" finds "303-555-0101".</summary>
    public static string PhoneDigits(string phone)
    {
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 11 && digits[0] == '1' ? digits[1..] : digits;
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The SQL condition on the queue row <c>d</c>, its values added as parameters.</summary>
    public string Condition(Npgsql.NpgsqlCommand command)
    {
        var keys = new List<string>();
        command.Parameters.AddWithValue("search_text", Contains(Text));
        keys.Add("d.search_text like @search_text");
        if (Digits is not null)
        {
            command.Parameters.AddWithValue("search_digits", Contains(Digits));
            keys.Add("d.search_text like @search_digits");
        }
        if (Reference is not null)
        {
            command.Parameters.AddWithValue("search_reference", Reference);
            keys.Add("d.reference = @search_reference");
        }
        return "(" + string.Join(" or ", keys) + ")";
    }

    /// <summary>A LIKE pattern matching the text anywhere, its own wildcards taken literally.</summary>
    private static string Contains(string text)
    {
        var pattern = new StringBuilder("%");
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\') pattern.Append('\\');
            pattern.Append(c);
        }
        return pattern.Append('%').ToString();
    }
}
