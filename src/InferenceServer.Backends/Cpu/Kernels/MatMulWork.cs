using InferenceServer.Backends.Cpu.Threading;

namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>
/// The operands every matmul kernel shares: Y[t, r] = Σ_k X[t, k]·W[r, k] (+ bias[r]) for t &lt; Tokens, r &lt; N.
/// </summary>
public abstract unsafe class MatMulWork : ParallelWork
{
    public float* X;
    public int Tokens;
    public int K;
    public byte* W;
    public long RowBytes;
    public float* Y;
    public int N;
    public float* Bias;

    /// <summary>Sets the operands from a weight and the activation/output pointers.</summary>
    public void Set(float* x, int tokens, CpuWeight w, float* bias, float* y)
    {
        X = x;
        Tokens = tokens;
        K = w.Columns;
        W = w.Data;
        RowBytes = w.RowBytes;
        Y = y;
        N = w.Rows;
        Bias = bias;
    }
}
