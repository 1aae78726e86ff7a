namespace InferenceServer.Backends.Cpu.Kernels;

/// <summary>A Q8_0 matmul with int8 dot products: it reads the activations quantized per 32-value block, not X.</summary>
public abstract unsafe class Q8MatMulWork : MatMulWork
{
    /// <summary>Activations quantized per 32-value block, Tokens·K values.</summary>
    public sbyte* Xq;

    /// <summary>Their block scales, Tokens·K/32.</summary>
    public float* XScales;

    /// <summary>Called once the operands are set, before the work runs (a kernel that packs activations packs here).</summary>
    public virtual void Prepare()
    {
    }
}
