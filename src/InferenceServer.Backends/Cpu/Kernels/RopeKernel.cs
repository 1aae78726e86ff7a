using InferenceServer.Backends.Cpu.Simd;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>Rotary embedding in the NeoX / Hugging Face "rotate half" layout: pairs (i, i + headDim/2).</summary>
public static unsafe class RopeKernel<TS, TV> where TS : struct, ISimd<TV> where TV : struct
{
    public static void Apply(float* x, int tokens, int heads, int headDim, ReadOnlySpan<int> positions, RopeTable table)
    {
        int half = table.RotaryDim / 2;
        fixed (float* cosBase = table.Cos)
        fixed (float* sinBase = table.Sin)
        {
            for (int t = 0; t < tokens; t++)
            {
                int pos = positions[t];
                if ((uint)pos >= (uint)table.MaxPositions)
                    throw new ArgumentOutOfRangeException(nameof(positions), $"position {pos} beyond the rope table ({table.MaxPositions})");
                float* cos = cosBase + (long)pos * half;
                float* sin = sinBase + (long)pos * half;
                for (int h = 0; h < heads; h++) RotateHead(x + ((long)t * heads + h) * headDim, cos, sin, half);
            }
        }
    }

    private static void RotateHead(float* v, float* cos, float* sin, int half)
    {
        int i = 0;
        for (; i + TS.Width <= half; i += TS.Width)
        {
            var x0 = TS.Load(v + i);
            var x1 = TS.Load(v + i + half);
            var c = TS.Load(cos + i);
            var s = TS.Load(sin + i);
            TS.Store(TS.Subtract(TS.Multiply(x0, c), TS.Multiply(x1, s)), v + i);
            TS.Store(TS.Add(TS.Multiply(x1, c), TS.Multiply(x0, s)), v + i + half);
        }
        for (; i < half; i++)
        {
            float x0 = v[i], x1 = v[i + half];
            v[i] = x0 * cos[i] - x1 * sin[i];
            v[i + half] = x1 * cos[i] + x0 * sin[i];
        }
    }
}
