using System.Text;

namespace InferenceServer.Server.Metrics;

/// <summary>
/// vLLM's metric names start with "vllm:", which Prometheus allows but prometheus-net's name check rejects. The
/// collectors are registered as "vllm__..." and the exported text is rewritten to "vllm:..." line by line.
/// </summary>
public static class VllmNames
{
    /// <summary>The prefix collectors are registered under.</summary>
    public const string Prefix = "vllm__";

    private const string Exported = "vllm:";

    /// <summary>Rewrites metric names in Prometheus text exposition (sample lines and HELP/TYPE comments).</summary>
    public static string Rewrite(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        var sb = new StringBuilder(exposition.Length);
        foreach (var line in exposition.Split('\n'))
        {
            if (sb.Length > 0) sb.Append('\n');
            if (line.StartsWith(Prefix, StringComparison.Ordinal)) sb.Append(Exported).Append(line, Prefix.Length, line.Length - Prefix.Length);
            else if (line.StartsWith("# HELP " + Prefix, StringComparison.Ordinal) || line.StartsWith("# TYPE " + Prefix, StringComparison.Ordinal))
                sb.Append(line, 0, 7).Append(Exported).Append(line, 7 + Prefix.Length, line.Length - 7 - Prefix.Length);
            else sb.Append(line);
        }
        return sb.ToString();
    }
}
