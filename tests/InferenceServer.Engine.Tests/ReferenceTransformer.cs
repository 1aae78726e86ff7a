using InferenceServer.Models.Config;
using InferenceServer.Models.Loading;

namespace InferenceServer.Engine.Tests;

/// <summary>
/// A deliberately naive, double-precision Llama forward pass straight from the F32 weights, written from the
/// Hugging Face modelling code, with a plain contiguous KV list: the yardstick for the paged, chunked, SIMD runner.
/// </summary>
internal sealed unsafe class ReferenceTransformer(LoadedModel model)
{
    private readonly ModelConfig _c = model.Config;

    private double[] W(string name)
    {
        Assert.True(model.Weights.TryGet(name, out var t), name);
        var f = new ReadOnlySpan<float>(t.Data, (int)t.ElementCount);
        return f.ToArray().Select(x => (double)x).ToArray();
    }

    /// <summary>Logits after the last token of <paramref name="tokens"/>.</summary>
    public double[] LastLogits(int[] tokens)
    {
        int h = _c.HiddenSize, hd = _c.HeadDim, nh = _c.NumHeads, nkv = _c.NumKvHeads;
        var x = tokens.Select(t => W("model.embed_tokens.weight").AsSpan(t * h, h).ToArray()).ToArray();
        for (int l = 0; l < _c.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            var normed = x.Select(v => RmsNorm(v, W(p + "input_layernorm.weight"))).ToArray();
            var q = normed.Select(v => Linear(v, W(p + "self_attn.q_proj.weight"), nh * hd)).ToArray();
            var k = normed.Select(v => Linear(v, W(p + "self_attn.k_proj.weight"), nkv * hd)).ToArray();
            var vv = normed.Select(v => Linear(v, W(p + "self_attn.v_proj.weight"), nkv * hd)).ToArray();
            for (int t = 0; t < tokens.Length; t++)
            {
                for (int head = 0; head < nh; head++) Rotate(q[t], head * hd, hd, t);
                for (int head = 0; head < nkv; head++) Rotate(k[t], head * hd, hd, t);
            }
            var attn = new double[tokens.Length][];
            for (int t = 0; t < tokens.Length; t++)
            {
                attn[t] = new double[nh * hd];
                for (int head = 0; head < nh; head++)
                {
                    int kvh = head / (nh / nkv);
                    var scores = new double[t + 1];
                    for (int j = 0; j <= t; j++)
                    {
                        double s = 0;
                        for (int d = 0; d < hd; d++) s += q[t][head * hd + d] * k[j][kvh * hd + d];
                        scores[j] = s / Math.Sqrt(hd);
                    }
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j <= t; j++)
                        for (int d = 0; d < hd; d++) attn[t][head * hd + d] += Math.Exp(scores[j] - max) / sum * vv[j][kvh * hd + d];
                }
            }
            for (int t = 0; t < tokens.Length; t++)
            {
                var o = Linear(attn[t], W(p + "self_attn.o_proj.weight"), h);
                for (int i = 0; i < h; i++) x[t][i] += o[i];
                var n2 = RmsNorm(x[t], W(p + "post_attention_layernorm.weight"));
                var gate = Linear(n2, W(p + "mlp.gate_proj.weight"), _c.IntermediateSize);
                var up = Linear(n2, W(p + "mlp.up_proj.weight"), _c.IntermediateSize);
                var act = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
                var down = Linear(act, W(p + "mlp.down_proj.weight"), h);
                for (int i = 0; i < h; i++) x[t][i] += down[i];
            }
        }
        var final = RmsNorm(x[^1], W("model.norm.weight"));
        string lmHead = model.Weights.TryGet("lm_head.weight", out _) ? "lm_head.weight" : "model.embed_tokens.weight";
        return Linear(final, W(lmHead), _c.VocabSize);
    }

    private double[] RmsNorm(double[] v, double[] w)
    {
        double ms = v.Sum(a => a * a) / v.Length;
        double inv = 1 / Math.Sqrt(ms + _c.RmsNormEps);
        return v.Select((a, i) => a * inv * w[i]).ToArray();
    }

    private static double[] Linear(double[] x, double[] w, int outFeatures)
    {
        var y = new double[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += w[o * x.Length + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    // transformers' rotate_half: (x1, x2) -> (x1 cos - x2 sin, x2 cos + x1 sin), pairs half a head apart.
    private void Rotate(double[] v, int offset, int hd, int pos)
    {
        int half = hd / 2;
        for (int i = 0; i < half; i++)
        {
            double angle = pos / Math.Pow(_c.RopeTheta, 2.0 * i / hd);
            double a = v[offset + i], b = v[offset + i + half];
            v[offset + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
            v[offset + i + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
        }
    }
}
