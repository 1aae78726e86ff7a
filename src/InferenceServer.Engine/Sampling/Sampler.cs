using System.Numerics.Tensors;

namespace InferenceServer.Engine.Sampling;

/// <summary>
/// Turns one row of logits into a token: penalties and logit bias, then greedy argmax or temperature + top-k + top-p + min-p
/// sampling, plus log-probabilities of the raw model distribution when asked for. The workspace is sized to
/// the vocabulary once; sampling a token allocates only the top-logprobs array it returns.
/// </summary>
public sealed class Sampler
{
    private const int FirstTopPWindow = 256;
    private readonly float[] _values;
    private readonly int[] _ids;
    private readonly float[] _raw;

    public Sampler(int vocabSize)
    {
        _values = new float[vocabSize];
        _ids = new int[vocabSize];
        _raw = new float[vocabSize];
    }

    /// <summary>Samples from <paramref name="logits"/> (modified in place) and records the token in <paramref name="state"/>.</summary>
    public SampledToken Sample(Span<float> logits, SamplingState state)
    {
        var p = state.Parameters;
        bool wantLogprobs = p.Logprobs != null;
        float logZ = 0;
        if (wantLogprobs)
        {
            logits.CopyTo(_raw);
            logZ = LogSumExp(logits);
        }
        ApplyPenalties(logits, state);
        foreach (var (id, bias) in p.LogitBias) logits[id] += bias;
        int token = p.IsGreedy ? TensorPrimitives.IndexOfMax(logits) : SampleStochastic(logits, p, state);
        state.Append(token);
        if (!wantLogprobs) return new SampledToken(token, 0, null);
        var top = p.Logprobs > 0 ? TopLogprobs(_raw.AsSpan(0, logits.Length), p.Logprobs.Value, logZ) : null;
        return new SampledToken(token, _raw[token] - logZ, top);
    }

    /// <summary>Records a token the backend picked by argmax (a greedy row without penalties or logprobs).</summary>
    public static SampledToken Picked(int token, SamplingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Append(token);
        return new SampledToken(token, 0, null);
    }

    /// <summary>Samples <paramref name="logits"/> once with top-p (modifying them), so the JIT compiles the sampling path before the first request.</summary>
    public void WarmUp(Span<float> logits) => Sample(logits, new SamplingState(new SamplingParams { TopP = 0.9f, Seed = 0 }, []));

    private static float LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        return max + (float)Math.Log(sum);
    }

    private static void ApplyPenalties(Span<float> logits, SamplingState state)
    {
        var p = state.Parameters;
        if (!p.HasPenalties) return;
        if (p.RepetitionPenalty != 1.0f)
        {
            float rp = p.RepetitionPenalty;
            void Penalise(Span<float> l, int id) => l[id] = l[id] > 0 ? l[id] / rp : l[id] * rp;
            foreach (var id in state.PromptTokens!) if ((uint)id < (uint)logits.Length) Penalise(logits, id);
            foreach (var id in state.OutputCounts!.Keys) if (!state.PromptTokens!.Contains(id)) Penalise(logits, id);
        }
        if (p.PresencePenalty != 0 || p.FrequencyPenalty != 0)
        {
            foreach (var (id, count) in state.OutputCounts!)
                logits[id] -= p.PresencePenalty + p.FrequencyPenalty * count;
        }
    }

    private int SampleStochastic(ReadOnlySpan<float> logits, SamplingParams p, SamplingState state)
    {
        int n = logits.Length;
        var values = _values.AsSpan(0, n);
        var ids = _ids.AsSpan(0, n);
        TensorPrimitives.Multiply(logits, 1f / p.Temperature, values);
        for (int i = 0; i < n; i++) ids[i] = i;
        if (p.TopK > 0 && p.TopK < n)
        {
            SelectTop(values, ids, p.TopK);
            n = p.TopK;
            values = values[..n];
            ids = ids[..n];
        }
        // Unnormalised probabilities relative to the most likely token (which gets exactly 1).
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values);
        if (p.MinP > 0) n = KeepAtLeast(values, ids, p.MinP);
        float total = TensorPrimitives.Sum(values[..n]);
        if (p.TopP < 1) n = TopPCount(values[..n], ids[..n], p.TopP * total, out total);
        double u = state.NextUniform() * total;
        double cumulative = 0;
        for (int i = 0; i < n; i++)
        {
            cumulative += values[i];
            if (u < cumulative) return ids[i];
        }
        return ids[n - 1];
    }

    /// <summary>Moves entries with value ≥ threshold to the front; returns how many there are.</summary>
    private static int KeepAtLeast(Span<float> values, Span<int> ids, float threshold)
    {
        int kept = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] >= threshold)
            {
                values[kept] = values[i];
                ids[kept] = ids[i];
                kept++;
            }
        }
        return kept;
    }

    /// <summary>
    /// Moves the nucleus to the front: the fewest largest values whose sum reaches <paramref name="mass"/>; returns
    /// its size and sum. Small inputs sort a growing window; large ones bucket the values by magnitude first
    /// (a quarter-octave histogram), so only the one bucket the cut falls in is sorted: a flat distribution over
    /// a 150k vocabulary costs a few passes instead of a full sort.
    /// </summary>
    internal static int TopPCount(Span<float> values, Span<int> ids, float mass, out float kept)
    {
        if (values.Length > BucketThreshold) return TopPByBuckets(values, ids, mass, out kept);
        int window = Math.Min(FirstTopPWindow, values.Length);
        while (true)
        {
            if (window < values.Length) SelectTop(values, ids, window);
            values[..window].Sort(ids[..window], DescendingComparer);
            double cumulative = 0;
            for (int i = 0; i < window; i++)
            {
                cumulative += values[i];
                if (cumulative >= mass)
                {
                    kept = (float)cumulative;
                    return i + 1;
                }
            }
            if (window == values.Length)
            {
                kept = (float)cumulative;
                return window;
            }
            window = Math.Min(values.Length, window * 4);
        }
    }

    private const int BucketThreshold = 4096;
    private const int Buckets = 4 * 128;

    // Values are exp(x - max) in (0, 1]: bucket 0 holds the largest; 4 buckets per octave from the float's
    // exponent and top mantissa bits, so every value of a bucket is larger than every value of a later one.
    private static int BucketOf(float v)
    {
        int bits = BitConverter.SingleToInt32Bits(v);
        int octave = 127 - (bits >> 23);
        int quarter = 3 - ((bits >> 21) & 3);
        return Math.Clamp(octave * 4 + quarter, 0, Buckets - 1);
    }

    private static int TopPByBuckets(Span<float> values, Span<int> ids, float mass, out float kept)
    {
        Span<double> bucketMass = stackalloc double[Buckets];
        bucketMass.Clear();
        foreach (var v in values) bucketMass[BucketOf(v)] += v;
        double before = 0;
        int cut = 0;
        while (cut < Buckets - 1 && before + bucketMass[cut] < mass) before += bucketMass[cut++];
        // Everything in earlier buckets is kept; the cut bucket's values go right after them, sorted.
        int front = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (BucketOf(values[i]) < cut) Swap(values, ids, i, front++);
        }
        int boundary = front;
        for (int i = front; i < values.Length; i++)
        {
            if (BucketOf(values[i]) == cut) Swap(values, ids, i, boundary++);
        }
        values[front..boundary].Sort(ids[front..boundary], DescendingComparer);
        double cumulative = before;
        for (int i = front; i < boundary; i++)
        {
            cumulative += values[i];
            if (cumulative >= mass)
            {
                kept = (float)cumulative;
                return i + 1;
            }
        }
        kept = (float)cumulative;
        return boundary;
    }

    private static void Swap(Span<float> values, Span<int> ids, int a, int b)
    {
        (values[a], values[b]) = (values[b], values[a]);
        (ids[a], ids[b]) = (ids[b], ids[a]);
    }

    private static readonly Comparison<float> DescendingComparer = (a, b) => b.CompareTo(a);

    /// <summary>Partially orders so that the <paramref name="k"/> largest values come first (quickselect).</summary>
    internal static void SelectTop(Span<float> values, Span<int> ids, int k)
    {
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            float pivot = MedianOfThree(values[lo], values[(lo + hi) >> 1], values[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] > pivot) i++;
                while (values[j] < pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    (ids[i], ids[j]) = (ids[j], ids[i]);
                    i++;
                    j--;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else return;
        }
    }

    private static float MedianOfThree(float a, float b, float c)
        => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));

    private TokenLogprob[] TopLogprobs(ReadOnlySpan<float> raw, int count, float logZ)
    {
        int n = raw.Length;
        count = Math.Min(count, n);
        var values = _values.AsSpan(0, n);
        var ids = _ids.AsSpan(0, n);
        raw.CopyTo(values);
        for (int i = 0; i < n; i++) ids[i] = i;
        SelectTop(values, ids, count);
        values[..count].Sort(ids[..count], DescendingComparer);
        var top = new TokenLogprob[count];
        for (int i = 0; i < count; i++) top[i] = new TokenLogprob(ids[i], values[i] - logZ);
        return top;
    }
}
