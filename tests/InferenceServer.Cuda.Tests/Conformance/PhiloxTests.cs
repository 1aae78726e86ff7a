using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Cuda.Tests.Support;

namespace InferenceServer.Cuda.Tests.Conformance;

/// <summary>kernels/common/philox.cuh against the Random123 known-answer vectors for Philox4x32-10 (through test_philox).</summary>
[Trait("Category", "CudaConformance")]
public sealed class PhiloxTests
{
    [NeedsFact(Needs.Emulation)]
    public void Philox4x32_10_matches_the_random123_known_answers()
    {
        // counter (4 words), key (2 words) → output (4 words), from Random123's kat_vectors.
        uint[][] inputs =
        [
            [0, 0, 0, 0, 0, 0],
            [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
            [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0],
        ];
        uint[][] expected =
        [
            [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
            [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
        ];
        using var gpu = new DeviceScope(KernelDevices.Emulation);
        // Launched with a whole warp; threads past the vectors compute on zero counters and are ignored.
        var flat = new uint[6 * 32];
        for (int v = 0; v < inputs.Length; v++) inputs[v].CopyTo(flat, 6 * v);
        nint output = gpu.Allocate(4 * 32 * sizeof(uint));
        var args = new KernelArguments();
        args.Add(output);
        args.Add(gpu.Upload(flat));
        gpu.Launcher.Launch("test_philox", new LaunchConfig(1, 32), ref args);
        var result = gpu.Download<uint>(output, 4 * 32);
        for (int v = 0; v < expected.Length; v++) Assert.Equal(expected[v], result[(4 * v)..(4 * v + 4)]);
    }
}
