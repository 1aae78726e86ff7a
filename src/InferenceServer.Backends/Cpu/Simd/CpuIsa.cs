namespace InferenceServer.Backends.Cpu.Simd;

/// <summary>
/// The instruction-set paths the CPU kernels are compiled for, lowest first. The backend picks one when it starts
/// (<see cref="CpuIsaSupport.Best"/>); every kernel of a path uses only instructions that path checked for.
/// </summary>
public enum CpuIsa
{
    /// <summary>128-bit vectors through the runtime's portable <c>Vector128</c> operations only: correct on any CPU.</summary>
    Portable,

    /// <summary>ARM64 AdvSIMD (128-bit), with the dot-product extension for int8 where present.</summary>
    Neon,

    /// <summary>x86-64-v3: AVX2 + FMA, 256-bit vectors (int8 dot products with AVX-VNNI where present, else vpmaddubsw).</summary>
    Avx2,

    /// <summary>AVX-512 F/BW/VL/DQ, 512-bit vectors.</summary>
    Avx512,
}
