using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Matching.Service.Web;

/// <summary>Horizontal bar charts drawn on the server as SVG; the numbers are also in a table beside each chart.</summary>
public static class Charts
{
    private const int RowHeight = 26;
    private const int LabelWidth = 170;
    private const int BarWidth = 200;

    public static IHtmlContent Bars(string label, IReadOnlyList<(string Label, double Value, string Text)> rows, double? max = null,
        (double Value, string Label)? marker = null)
    {
        var top = Math.Max(max ?? 0, Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Value), marker?.Value ?? 0));
        if (top <= 0) top = 1;
        var height = rows.Count * RowHeight + (marker is null ? 4 : 24);
        var e = HtmlEncoder.Default;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" viewBox=\"0 0 {LabelWidth + BarWidth + 60} {height}\" role=\"img\" aria-label=\"{e.Encode(label)}\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (name, value, text) = rows[i];
            var width = Math.Max(0, value) * BarWidth / top;
            var y = i * RowHeight;
            var shown = name.Length > 26 ? name[..25] + "…" : name;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 17}\">{e.Encode(shown)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 4}\" width=\"{width:0.#}\" height=\"18\" rx=\"3\"></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 4:0.#}\" y=\"{y + 17}\">{e.Encode(text)}</text>");
        }
        if (marker is { } m)
        {
            var x = LabelWidth + m.Value * BarWidth / top;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"0\" y2=\"{rows.Count * RowHeight + 4}\" stroke=\"#b42318\" stroke-width=\"2\" stroke-dasharray=\"4 3\"></line>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Math.Min(x, LabelWidth + BarWidth - 20):0.#}\" y=\"{height - 4}\">{e.Encode(m.Label)}</text>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
