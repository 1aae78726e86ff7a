using System.Text;

namespace InferenceServer.Engine.Outputs;

/// <summary>
/// Finds stop strings in streamed text. Text that could still become a stop string is held back, so what was
/// already streamed never has to be taken back; the stop string itself is not part of the output (as in vLLM).
/// </summary>
public sealed class StopStringMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private readonly StringBuilder _text = new();
    private int _emitted;

    public StopStringMatcher(IReadOnlyList<string> stops) => _stops = stops;

    /// <summary>True once a stop string was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns what may be emitted now.</summary>
    public string Append(string delta)
    {
        if (Stopped) return "";
        if (_stops.Count == 0) return delta;
        int searchFrom = Math.Max(0, _text.Length - MaxStopLength() + 1);
        _text.Append(delta);
        string window = _text.ToString(searchFrom, _text.Length - searchFrom);
        int cut = -1;
        foreach (var s in _stops)
        {
            int i = window.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && (cut < 0 || searchFrom + i < cut)) cut = searchFrom + i;
        }
        if (cut >= 0)
        {
            Stopped = true;
            return Take(Math.Max(cut, _emitted));
        }
        return Take(_text.Length - HeldBack());
    }

    /// <summary>Releases held-back text at the end of a generation that did not stop on a string.</summary>
    public string Flush() => Stopped ? "" : Take(_text.Length);

    private string Take(int end)
    {
        if (end <= _emitted) return "";
        string s = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return s;
    }

    /// <summary>Length of the longest suffix of the text that is a proper prefix of a stop string.</summary>
    private int HeldBack()
    {
        int best = 0;
        foreach (var s in _stops)
        {
            for (int k = Math.Min(s.Length - 1, _text.Length - _emitted); k > best; k--)
            {
                if (EndsWith(s.AsSpan(0, k))) { best = k; break; }
            }
        }
        return best;
    }

    private bool EndsWith(ReadOnlySpan<char> prefix)
    {
        int start = _text.Length - prefix.Length;
        for (int i = 0; i < prefix.Length; i++)
            if (_text[start + i] != prefix[i]) return false;
        return true;
    }

    private int MaxStopLength()
    {
        int m = 1;
        foreach (var s in _stops) m = Math.Max(m, s.Length);
        return m;
    }
}
