using System.Text;

namespace InferenceServer.Tokenization.Normalization;

/// <summary>
/// Unicode canonical composition (NFC) in managed code, because string.Normalize is a no-op for non-ASCII text
/// under InvariantGlobalization. Follows UAX #15: full canonical decomposition, canonical ordering, composition.
/// </summary>
internal static class UnicodeComposition
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private sealed class Tables
    {
        public readonly Dictionary<int, (int First, int Second)> Decompose = [];
        public readonly Dictionary<long, int> Compose = [];
        // Code points whose NFC quick check is not "yes": decomposable but never recomposed (singletons, exclusions),
        // or able to combine with what precedes them (second halves of compositions).
        public readonly HashSet<int> Unstable = [];
        public readonly int[] CccRanges = UnicodeCompositionData.CombiningClassRanges.ToArray();

        public Tables()
        {
            var d = UnicodeCompositionData.Decompositions;
            for (int i = 0; i < d.Length; i += 3)
            {
                int cp = d[i] & 0xFFFFFF;
                Decompose[cp] = (d[i + 1], d[i + 2]);
                if ((d[i] & 0x1000000) != 0)
                {
                    Compose[Key(d[i + 1], d[i + 2])] = cp;
                    Unstable.Add(d[i + 2]);
                }
                else Unstable.Add(cp);
            }
        }
    }

    private static readonly Lazy<Tables> Data = new(() => new Tables());

    private static long Key(int first, int second) => ((long)first << 21) | (uint)second;

    /// <summary>The NFC form of <paramref name="text"/>; the same instance when it is already composed.</summary>
    public static string ToNfc(string text)
    {
        if (IsQuickNfc(text)) return text;
        var cps = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) DecomposeInto(rune.Value, cps);
        ReorderCanonically(cps);
        ComposeInPlace(cps);
        var sb = new StringBuilder(text.Length);
        foreach (int cp in cps) sb.Append(new Rune(cp).ToString());
        return sb.ToString();
    }

    private static bool IsQuickNfc(string text)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\u0300', '\uFFFF');
        if (i < 0) return true;
        var t = Data.Value;
        int lastClass = 0;
        foreach (var rune in text.AsSpan(i).EnumerateRunes())
        {
            int cp = rune.Value;
            int cls = CombiningClass(cp);
            if (cls != 0 && lastClass > cls) return false; // marks out of canonical order
            lastClass = cls;
            if (cp < 0x300) continue;
            if (cp is >= HangulVBase and < HangulVBase + HangulVCount or > HangulTBase and < HangulTBase + HangulTCount) return false;
            if (t.Unstable.Contains(cp)) return false;
        }
        return true;
    }

    public static int CombiningClass(int cp)
    {
        if (cp < 0x300) return 0;
        var r = Data.Value.CccRanges;
        int lo = 0, hi = r.Length / 3 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cp < r[mid * 3]) hi = mid - 1;
            else if (cp > r[mid * 3 + 1]) lo = mid + 1;
            else return r[mid * 3 + 2];
        }
        return 0;
    }

    private static void DecomposeInto(int cp, List<int> output)
    {
        int s = cp - HangulSBase;
        if (s is >= 0 and < HangulSCount)
        {
            output.Add(HangulLBase + s / HangulNCount);
            output.Add(HangulVBase + s % HangulNCount / HangulTCount);
            if (s % HangulTCount != 0) output.Add(HangulTBase + s % HangulTCount);
            return;
        }
        if (Data.Value.Decompose.TryGetValue(cp, out var d))
        {
            DecomposeInto(d.First, output);
            if (d.Second != 0) DecomposeInto(d.Second, output);
            return;
        }
        output.Add(cp);
    }

    // Stable sort of each run of non-starters by combining class; runs are short, so insertion sort.
    private static void ReorderCanonically(List<int> cps)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int c = CombiningClass(cps[i]);
            if (c == 0) continue;
            int j = i;
            while (j > 0 && CombiningClass(cps[j - 1]) > c)
            {
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void ComposeInPlace(List<int> cps)
    {
        if (cps.Count == 0) return;
        int starterPos = 0;
        int lastClass = CombiningClass(cps[0]) == 0 ? 0 : 256; // a leading non-starter blocks composition
        int write = 1;
        for (int read = 1; read < cps.Count; read++)
        {
            int ch = cps[read];
            int chClass = CombiningClass(ch);
            int composite = lastClass == 256 ? -1 : ComposePair(cps[starterPos], ch);
            if (composite >= 0 && (lastClass < chClass || lastClass == 0))
            {
                cps[starterPos] = composite;
                continue;
            }
            if (chClass == 0) starterPos = write;
            lastClass = chClass;
            cps[write++] = ch;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static int ComposePair(int first, int second)
    {
        int l = first - HangulLBase, v = second - HangulVBase;
        if (l is >= 0 and < HangulLCount && v is >= 0 and < HangulVCount)
            return HangulSBase + (l * HangulVCount + v) * HangulTCount;
        int s = first - HangulSBase, t = second - HangulTBase;
        if (s is >= 0 and < HangulSCount && s % HangulTCount == 0 && t is > 0 and < HangulTCount)
            return first + t;
        return Data.Value.Compose.TryGetValue(Key(first, second), out int c) ? c : -1;
    }
}
