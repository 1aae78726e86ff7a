namespace InferenceServer.Backends.Cuda.Kernels;

/// <summary>Element types kernels store activations and KV entries in (math is float throughout).</summary>
public enum KernelDType
{
    F32,
    F16,
    BF16,
}

/// <summary>How element types appear in kernel names and sizes.</summary>
public static class KernelDTypeExtensions
{
    /// <summary>Suffix in kernel entry names, e.g. rms_norm_bf16.</summary>
    public static string Suffix(this KernelDType dtype) => dtype switch
    {
        KernelDType.F32 => "f32",
        KernelDType.F16 => "f16",
        KernelDType.BF16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Bytes of one element.</summary>
    public static int Size(this KernelDType dtype) => dtype == KernelDType.F32 ? 4 : 2;
}
