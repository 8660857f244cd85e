using System.Globalization;
using System.Text;

namespace EmbeddedReco.GameLoop;

/// <summary>Writes the timeline as CSV and as a hand-written SVG line chart.</summary>
internal static class Charts
{
    private static readonly string[] Colors = { "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b" };

    public static void WriteCsv(string path, Timeline t, IReadOnlyList<string> names, int[] playersPerVariant)
    {
        var sb = new StringBuilder();
        sb.AppendLine("time_s,variant,players,active_players,visits,impressions,clicks,ctr,purchases,play_seconds,engagement,engagement_per_player");
        for (int b = 0; b < t.Buckets; b++)
        {
            for (int v = 0; v < t.Variants; v++)
            {
                double ctr = t.Impressions[v, b] == 0 ? 0 : (double)t.Clicks[v, b] / t.Impressions[v, b];
                sb.AppendLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0},{1},{2},{3},{4},{5},{6},{7:0.######},{8},{9:0.#},{10:0.####},{11:0.######}",
                    (b + 1) * t.BucketSeconds, names[v], playersPerVariant[v], t.Active[v, b], t.Visits[v, b], t.Impressions[v, b], t.Clicks[v, b], ctr,
                    t.Purchases[v, b], t.PlaySeconds[v, b], t.Score[v, b], PerPlayer(t, v, b, playersPerVariant)));
            }
        }

        File.WriteAllText(path, sb.ToString());
    }

    public static void WriteSvg(string path, Timeline t, IReadOnlyList<string> names, int[] playersPerVariant, string title)
    {
        const int width = 1000, panelHeight = 260, left = 70, right = 290, top = 50, gap = 70;
        int plotW = width - left - right;
        int height = top + (2 * panelHeight) + gap + 50;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{Escape(title)}</text>\n");

        double maxEngagement = 1e-9, minEngagement = 0;
        for (int v = 0; v < t.Variants; v++)
        {
            for (int b = 0; b < t.Buckets; b++)
            {
                maxEngagement = Math.Max(maxEngagement, PerPlayer(t, v, b, playersPerVariant));
                minEngagement = Math.Min(minEngagement, PerPlayer(t, v, b, playersPerVariant));
            }
        }

        // Shown-but-ignored items weigh slightly negative, so a bored population can go below zero.
        double yMin = minEngagement < 0 ? -NiceMax(-minEngagement) : 0;

        Panel(sb, t, names, left, top, plotW, panelHeight, "Engagement per player per " + t.BucketSeconds + " s (weighted score)",
            yMin, NiceMax(maxEngagement), (v, b) => PerPlayer(t, v, b, playersPerVariant), "0.##");
        Panel(sb, t, names, left, top + panelHeight + gap, plotW, panelHeight, "Players still active (%)",
            0, 100, (v, b) => playersPerVariant[v] == 0 ? 0 : 100.0 * t.Active[v, b] / playersPerVariant[v], "0");

        // Legend.
        for (int v = 0; v < t.Variants; v++)
        {
            int y = top + 20 + (v * 22);
            int x = left + plotW + 20;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 24}\" y2=\"{y}\" stroke=\"{Colors[v % Colors.Length]}\" stroke-width=\"3\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 30}\" y=\"{y + 4}\">{Escape(names[v])}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (plotW / 2)}\" y=\"{height - 12}\" text-anchor=\"middle\">simulated time (s)</text>\n");
        sb.Append("</svg>\n");
        File.WriteAllText(path, sb.ToString());
    }

    private static void Panel(StringBuilder sb, Timeline t, IReadOnlyList<string> names, int x0, int y0, int w, int h, string label,
        double yMin, double yMax, Func<int, int, double> value, string format)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0}\" y=\"{y0 - 8}\" font-weight=\"bold\">{Escape(label)}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{y0}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#999\"/>\n");
        double xMax = t.Buckets * t.BucketSeconds;
        for (int i = 0; i <= 5; i++)
        {
            double yv = yMin + ((yMax - yMin) * i / 5);
            double y = y0 + h - (h * i / 5.0);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y:0.#}\" x2=\"{x0 + w}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{yv.ToString(format, CultureInfo.InvariantCulture)}</text>\n");
            double xv = xMax * i / 5;
            double x = x0 + (w * i / 5.0);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y0 + h + 16}\" text-anchor=\"middle\">{xv:0}</text>\n");
        }

        if (yMin < 0)
        {
            double zero = y0 + h - (h * -yMin / (yMax - yMin));
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{zero:0.#}\" x2=\"{x0 + w}\" y2=\"{zero:0.#}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n");
        }

        for (int v = 0; v < t.Variants; v++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[v % Colors.Length]}\" stroke-width=\"2\" points=\"");
            for (int b = 0; b < t.Buckets; b++)
            {
                double x = x0 + (w * (b + 1) / (double)t.Buckets);
                double y = y0 + h - (h * Math.Clamp((value(v, b) - yMin) / (yMax - yMin), 0, 1));
                sb.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
            }

            sb.Append("\"><title>").Append(Escape(names[v])).Append("</title></polyline>\n");
        }
    }

    private static double PerPlayer(Timeline t, int v, int b, int[] players) => players[v] == 0 ? 0 : t.Score[v, b] / players[v];

    private static double NiceMax(double max)
    {
        double step = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (double m in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (m * step >= max)
            {
                return m * step;
            }
        }

        return 10 * step;
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
