using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>
/// Stands between the emulated device's users and the emulator: runs launches and GEMMs at once, or, while a capture
/// is open, records them as graph nodes; and turns the work CUDA forbids during stream capture into the same error.
/// </summary>
internal sealed class CaptureRecorder(KernelEmulator emulator, IDenseGemm gemm) : IKernelLauncher, IDenseGemm
{
    private List<Action>? _nodes;

    public bool Capturing => _nodes != null;

    public void Begin()
    {
        if (_nodes != null) throw new InvalidOperationException("a capture is already open");
        _nodes = [];
    }

    public List<Action> End()
    {
        var nodes = _nodes ?? throw new InvalidOperationException("no capture is open");
        _nodes = null;
        return nodes;
    }

    /// <summary>Throws CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED when <paramref name="operation"/> happens during a capture.</summary>
    public void Forbid(string operation)
    {
        if (_nodes != null)
            throw new CudaException(CudaResult.ErrorStreamCaptureUnsupported, CudaErrorNames.Of(CudaResult.ErrorStreamCaptureUnsupported), operation + " (emulated)",
                "operation not permitted when stream is capturing");
    }

    public void Launch(string kernel, in LaunchConfig config, ref KernelArguments arguments)
    {
        if (_nodes == null)
        {
            emulator.Launch(kernel, config, ref arguments);
            return;
        }
        // Arguments are values (device pointers and scalars): copied now, as cuLaunchKernel copies them into the node.
        var (name, shape, args) = (kernel, config, arguments);
        _nodes.Add(() => emulator.Launch(name, shape, ref args));
    }

    public void Synchronize() => Forbid("cuStreamSynchronize");

    public void Gemm(KernelDType inputs, nint y, nint x, nint w, int rows, int nOut, int k)
    {
        if (_nodes == null) gemm.Gemm(inputs, y, x, w, rows, nOut, k);
        else _nodes.Add(() => gemm.Gemm(inputs, y, x, w, rows, nOut, k));
    }
}
