using InferenceServer.Models.Config;

namespace InferenceServer.Backends;

/// <summary>
/// Precomputed rotary-embedding cos/sin for every position, [MaxPositions, HeadDim/2] each, with Llama 3
/// frequency scaling applied to the inverse frequencies as transformers' "llama3" rope type does.
/// </summary>
public sealed class RopeTable
{
    public RopeTable(int maxPositions, int rotaryDim, double theta, RopeScaling? scaling)
    {
        MaxPositions = maxPositions;
        RotaryDim = rotaryDim;
        int half = rotaryDim / 2;
        var invFreq = new double[half];
        for (int i = 0; i < half; i++)
            invFreq[i] = 1.0 / Math.Pow(theta, 2.0 * i / rotaryDim);
        if (scaling != null) ApplyLlama3Scaling(invFreq, scaling);
        Cos = new float[(long)maxPositions * half];
        Sin = new float[(long)maxPositions * half];
        for (int p = 0; p < maxPositions; p++)
        {
            for (int i = 0; i < half; i++)
            {
                // transformers computes the angle in float32; do the same so logits match closely.
                float angle = (float)p * (float)invFreq[i];
                Cos[(long)p * half + i] = MathF.Cos(angle);
                Sin[(long)p * half + i] = MathF.Sin(angle);
            }
        }
    }

    public int MaxPositions { get; }
    public int RotaryDim { get; }
    public float[] Cos { get; }
    public float[] Sin { get; }

    private static void ApplyLlama3Scaling(double[] invFreq, RopeScaling s)
    {
        double lowFreqWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highFreqWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < invFreq.Length; i++)
        {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen > lowFreqWavelen)
            {
                invFreq[i] /= s.Factor;
            }
            else if (wavelen >= highFreqWavelen)
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                invFreq[i] = (1 - smooth) * invFreq[i] / s.Factor + smooth * invFreq[i];
            }
        }
    }
}
