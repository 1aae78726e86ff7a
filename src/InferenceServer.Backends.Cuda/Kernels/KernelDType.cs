using InferenceServer.Core.Tensors;

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

    /// <summary>The kernel type of a tensor storage type (f32, f16, bf16); others have no kernel instantiation.</summary>
    public static KernelDType FromTensor(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => KernelDType.F32,
        TensorDType.F16 => KernelDType.F16,
        TensorDType.BF16 => KernelDType.BF16,
        _ => throw new NotSupportedException($"{dtype} is not a kernel element type (f32, f16, bf16)"),
    };

    /// <summary>The tensor storage type of the same element layout.</summary>
    public static TensorDType ToTensor(this KernelDType dtype) => dtype switch
    {
        KernelDType.F32 => TensorDType.F32,
        KernelDType.F16 => TensorDType.F16,
        KernelDType.BF16 => TensorDType.BF16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Bytes of one element.</summary>
    public static int Size(this KernelDType dtype) => dtype == KernelDType.F32 ? 4 : 2;
}
