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

    /// <summary>Number of work items for the current operands.</summary>
    public abstract int Items { get; }

    /// <summary>Items a worker takes at a time.</summary>
    public virtual int Grain(int threads) => 1;

    /// <summary>For row-parallel GEMV: enough chunks for dynamic balancing across threads, big enough that the shared counter stays cold.</summary>
    protected int GemvGrain(int threads) => Math.Max(8, N / (threads * 16));

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
