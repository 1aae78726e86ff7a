using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>Greedy picks on the device with argmax_f32: only the token ids come back.</summary>
public sealed partial class CudaBackend : IDeviceArgmax
{
    public void Argmax(DeviceBuffer logits, int rows, int vocab, Span<int> tokens)
    {
        if (rows == 0) return;
        nint ids = _argmaxTokens.Get((long)rows * sizeof(int));
        SamplingLaunch.Argmax(_launcher, ids, logits.Pointer, rows, vocab);
        _device.Download(ids, tokens[..rows]);
    }
}
