using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Marten;
using Matching.Service.Referrals;

namespace Matching.Service.Fhir;

/// <summary>
/// <c>GET /fhir/Task</c> as a partner polls it: its organization's Tasks, filtered by <c>_lastUpdated</c> (the referral's
/// StatusSince, as FHIR defines date search) and <c>based-on</c>, oldest change first, a page at a time. Pages are cut by a
/// keyset cursor (lastUpdated, id) rather than an offset, so a referral that changes while a client pages neither shifts
/// the rows after it nor is skipped: it moves to the end and is read again there.
/// </summary>
public sealed partial record TaskSearch(
    IReadOnlyList<TaskSearch.Bound> LastUpdated, IReadOnlyList<IReadOnlyList<string>> BasedOn, int Count, TaskSearch.Cursor? After)
{
    public const string LastUpdatedParameter = "_lastUpdated";
    public const string CountParameter = "_count";
    public const string CursorParameter = "_cursor";
    public const string BasedOnParameter = "based-on";
    public const string FormatParameter = "_format";
    public const int DefaultCount = 50;
    public const int MaxCount = 200;

    /// <summary>The parameters this search knows; any other is refused (docs/adr/0036-fhir-referrals.md).</summary>
    public static readonly string[] Known = [BasedOnParameter, LastUpdatedParameter, CountParameter, CursorParameter, FormatParameter];

    /// <summary>The <c>_format</c> values FHIR gives for JSON, the one format served here; clients' libraries add one unasked.</summary>
    public static readonly string[] JsonFormats = ["json", "application/json", "application/fhir+json"];

    /// <summary>
    /// One <c>_lastUpdated</c>: its prefix and the range its value stands for (its precision), both ends in UTC and rounded up to
    /// the database's microsecond. That is exact: every stored lastUpdated is a whole microsecond (<see cref="Stored"/>).
    /// </summary>
    public sealed record Bound(string Prefix, DateTimeOffset From, DateTimeOffset Until, string Text);

    /// <summary>The last Task of the page before: its lastUpdated as stored, and its id.</summary>
    public sealed record Cursor(DateTimeOffset LastUpdated, Guid Id)
    {
        public override string ToString() => $"{LastUpdated.UtcTicks}-{Id:N}";

        public static Cursor? Parse(string text) =>
            text.Split('-') is [var ticks, var id]
            && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParseExact(id, "N", out var g)
                ? new Cursor(new DateTimeOffset(t, TimeSpan.Zero), g)
                : null;
    }

    /// <summary>A parameter the search refuses, and why, for the OperationOutcome.</summary>
    public sealed record Refusal(string Parameter, string Problem);

    public static TaskSearch? Parse(IQueryCollection query, out Refusal? refusal)
    {
        refusal = null;
        if (query.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            refusal = new Refusal(unknown,
                $"The search parameter {unknown} is not supported; a Task search takes {string.Join(", ", Known)} (see /fhir/metadata).");
            return null;
        }

        if (query[FormatParameter].FirstOrDefault(f => !JsonFormats.Contains((f ?? "").Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase)) is { } format)
        {
            refusal = new Refusal(FormatParameter, $"_format={format}: this server answers in JSON only (json, application/fhir+json).");
            return null;
        }

        var bounds = new List<Bound>();
        foreach (var value in query[LastUpdatedParameter])
        {
            if (ParseBound(value ?? "") is not { } bound)
            {
                refusal = new Refusal(LastUpdatedParameter,
                    $"_lastUpdated=\"{value}\" is not a FHIR date search: a prefix (eq, ne, gt, ge, lt, le, sa, eb) and a date or " +
                    "dateTime with its time zone, e.g. gt2026-12-01T10:00:00Z. Repeat the parameter for a range.");
                return null;
            }
            bounds.Add(bound);
        }

        var count = DefaultCount;
        if (query[CountParameter] is { Count: > 0 } counts)
        {
            if (counts.Count > 1 || !int.TryParse(counts[0], NumberStyles.None, CultureInfo.InvariantCulture, out count))
            {
                refusal = new Refusal(CountParameter, "_count is one whole number: how many Tasks a page holds (0 for the total alone).");
                return null;
            }
            count = Math.Min(count, MaxCount);
        }

        Cursor? after = null;
        if (query[CursorParameter] is { Count: > 0 } cursors && (cursors.Count > 1 || (after = Cursor.Parse(cursors[0] ?? "")) is null))
        {
            refusal = new Refusal(CursorParameter, "_cursor is read only from a search's next link; follow that link as given.");
            return null;
        }

        var basedOn = new List<IReadOnlyList<string>>();
        foreach (var value in query[BasedOnParameter])
        {
            // One value is an OR of references (commas); each is ServiceRequest/{id}, {base}/ServiceRequest/{id} or {id}.
            var ids = new List<string>();
            foreach (var reference in (value ?? "").Split(','))
            {
                var at = reference.LastIndexOf("ServiceRequest/", StringComparison.Ordinal);
                var id = at >= 0 ? reference[(at + "ServiceRequest/".Length)..] : reference;
                if (id.Length == 0 || id.Contains('/') || (at < 0 && reference.Contains('/')))
                {
                    refusal = new Refusal(BasedOnParameter,
                        $"based-on=\"{value}\" names no ServiceRequest: give ServiceRequest/{{id}}, several separated by commas.");
                    return null;
                }
                ids.Add(id);
            }
            basedOn.Add(ids);
        }
        return new TaskSearch(bounds, basedOn, count, after);
    }

    /// <summary>
    /// The organization's referrals this search matches, without the cursor (what <c>total</c> counts). Served by the index on
    /// (partner organization, StatusSince, id) of the referral document (ReferralsModule).
    /// </summary>
    public IQueryable<Referral> Matching(IQuerySession session, string organization)
    {
        IQueryable<Referral> query = session.Query<Referral>().Where(r => r.Partner!.Organization == organization);
        foreach (var anyOf in BasedOn)
        {
            // Not an id of ours matches nothing, as another organization's does (ids disclose nothing).
            var referralIds = anyOf.Select(id => Guid.TryParse(id, out var parsed) ? parsed : Guid.Empty).Distinct().ToArray();
            query = query.Where(r => referralIds.Contains(r.Id));
        }
        return LastUpdated.Aggregate(query, (q, bound) => q.Where(Condition(bound)));
    }

    /// <summary>The page: the matches after the cursor, oldest change first, one more than the page holds to tell if another follows.</summary>
    public IQueryable<Referral> Page(IQuerySession session, string organization)
    {
        var query = Matching(session, organization);
        if (After is { } after)
        {
            var (time, id) = (after.LastUpdated, after.Id);
            query = query.Where(r => r.StatusSince > time || (r.StatusSince == time && r.Id > id));
        }
        return query.OrderBy(r => r.StatusSince).ThenBy(r => r.Id).Take(Count + 1);
    }

    /// <summary>The search's own parameters as a query string, with a cursor for the next page.</summary>
    public string QueryString(Cursor? after)
    {
        var parameters = BasedOn.Select(anyOf => (BasedOnParameter, string.Join(",", anyOf.Select(id => $"ServiceRequest/{id}"))))
            .Concat(LastUpdated.Select(b => (LastUpdatedParameter, b.Text)))
            .Append((CountParameter, Count.ToString(CultureInfo.InvariantCulture)));
        if (after is not null) parameters = parameters.Append((CursorParameter, after.ToString()));
        return string.Join("&", parameters.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
    }

    /// <summary>
    /// FHIR's date search against an instant: the value stands for the range of its precision [From, Until), so
    /// gt2026-12-01 is from 2 December on and eq2026-12-01T10:00Z is that minute; a value with seconds is that instant.
    /// </summary>
    private static Expression<Func<Referral, bool>> Condition(Bound bound)
    {
        var (from, until) = (bound.From, bound.Until);
        return bound.Prefix switch
        {
            "gt" or "sa" => r => r.StatusSince >= until,
            "ge" => r => r.StatusSince >= from,
            "lt" or "eb" => r => r.StatusSince < from,
            "le" => r => r.StatusSince < until,
            "ne" => r => r.StatusSince < from || r.StatusSince >= until,
            _ => r => r.StatusSince >= from && r.StatusSince < until
        };
    }

    // [0-9], not \d: \d matches every script's digits, which the numbers below don't parse.
    [GeneratedRegex(@"^(?<prefix>eq|ne|gt|ge|lt|le|sa|eb)?(?<year>[0-9]{4})(-(?<month>[0-9]{2})(-(?<day>[0-9]{2})(T(?<hour>[0-9]{2}):(?<minute>[0-9]{2})(:(?<second>[0-9]{2})(\.(?<fraction>[0-9]{1,7}))?)?(?<zone>Z|[+\- ][0-9]{2}:[0-9]{2}))?)?)?$")]
    private static partial Regex DateSearch();

    /// <summary>A date (year, month or day, read in UTC) or a dateTime with its zone, as its range; null when malformed.</summary>
    public static Bound? ParseBound(string text)
    {
        if (DateSearch().Match(text) is not { Success: true } m) return null;
        int Part(string name, int otherwise = 1) => m.Groups[name].Success ? int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : otherwise;
        try
        {
            var zone = m.Groups["zone"].Value;
            // A '+' unescaped in a query string arrives as a space.
            var offset = zone is "" or "Z" ? TimeSpan.Zero
                : TimeSpan.ParseExact(zone[1..], @"hh\:mm", CultureInfo.InvariantCulture) * (zone[0] == '-' ? -1 : 1);
            var from = new DateTimeOffset(Part("year"), Part("month"), Part("day"), Part("hour", 0), Part("minute", 0), Part("second", 0), offset);
            var fraction = m.Groups["fraction"].Value;
            from = from.AddTicks(fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture));
            // To the second or finer, the value is an instant: a client sends back a lastUpdated it was given, which the
            // SDK writes without trailing zeros (…:00.1 for …:00.100000), and gt must not skip the rest of that tenth.
            var until = m.Groups["second"].Success ? from.AddTicks(1)
                : m.Groups["minute"].Success ? from.AddMinutes(1)
                : m.Groups["day"].Success ? from.AddDays(1)
                : m.Groups["month"].Success ? from.AddMonths(1)
                : from.AddYears(1);
            (from, until) = (CeilingToMicrosecond(from), CeilingToMicrosecond(until));
            var prefix = m.Groups["prefix"].Success ? m.Groups["prefix"].Value : "eq";
            return new Bound(prefix, from, until, prefix + text[(m.Groups["prefix"].Success ? 2 : 0)..].Replace(' ', '+'));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            // No such day, hour or zone (+25:00), or past the last representable instant.
            return null;
        }
    }

    /// <summary>
    /// A lastUpdated as PostgreSQL reads it from the referral's JSON, to the microsecond: the event's time has 100 ns ticks,
    /// which the database rounds (its fraction parsed as a double and rounded half to even, as here). A Task shows this value,
    /// so a client's <c>gt</c> its last lastUpdated and the cursor compare exactly with what the index holds.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset time)
    {
        var ticks = time.UtcTicks % TimeSpan.TicksPerSecond;
        var fraction = double.Parse("0." + ticks.ToString("D7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var microseconds = (long)Math.Round(fraction * 1_000_000, MidpointRounding.ToEven);
        return new DateTimeOffset(time.UtcTicks - ticks + microseconds * 10, TimeSpan.Zero);
    }

    private static DateTimeOffset CeilingToMicrosecond(DateTimeOffset time)
    {
        var rest = time.UtcTicks % 10;
        return new DateTimeOffset(time.UtcTicks - rest + (rest == 0 ? 0 : 10), TimeSpan.Zero);
    }
}
