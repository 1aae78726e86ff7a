using System.Text;
using LLama.Native;

namespace InferenceServer.LlamaCppBaseline;

/// <summary>
/// Collects llama.cpp's log (it arrives in fragments) as whole lines, so the run prints a table rather than the load
/// log; warnings and errors still go to stderr at once, and <c>--verbose</c> echoes everything there.
/// </summary>
internal sealed class LlamaLog(bool verbose)
{
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    public void Write(LLamaLogLevel level, string message)
    {
        lock (_gate)
        {
            if (verbose || level is LLamaLogLevel.Warning or LLamaLogLevel.Error) Console.Error.Write(message);
            _partial.Append(message);
            string text = _partial.ToString();
            int end = text.LastIndexOf('\n');
            if (end < 0) return;
            _lines.AddRange(text[..end].Split('\n'));
            _partial.Clear().Append(text[(end + 1)..]);
        }
    }

    /// <summary>Lines logged since the last call that contain any of <paramref name="needles"/>, trimmed.</summary>
    public IReadOnlyList<string> TakeMatching(params string[] needles)
    {
        lock (_gate)
        {
            var found = _lines.Where(l => needles.Any(n => l.Contains(n, StringComparison.Ordinal))).Select(l => l.Trim()).ToList();
            _lines.Clear();
            return found;
        }
    }
}
