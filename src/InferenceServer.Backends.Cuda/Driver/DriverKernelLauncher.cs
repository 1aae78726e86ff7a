using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Driver;

/// <summary>Launches kernels of a loaded module on a stream with cuLaunchKernel; functions are looked up once by name.</summary>
public sealed unsafe class DriverKernelLauncher : IKernelLauncher
{
    private const int MaxDynamicSharedSizeBytes = 8; // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
    private const int DefaultDynamicSharedLimit = 48 * 1024;
    private readonly CudaModule _module;
    private readonly CudaStream _stream;
    private readonly CudaContext? _context;
    private readonly Dictionary<string, (nint Function, int SharedLimit)> _functions = [];

    /// <param name="context">Made current on the calling thread before each call (null: the caller sees to it).</param>
    public DriverKernelLauncher(CudaModule module, CudaStream stream, CudaContext? context = null)
    {
        _module = module;
        _stream = stream;
        _context = context;
    }

    public void Launch(string kernel, in LaunchConfig config, ref KernelArguments arguments)
    {
        _context?.EnsureCurrent();
        var (function, sharedLimit) = Function(kernel);
        if (config.SharedBytes > sharedLimit)
        {
            // Above 48 KiB a kernel must opt in to more dynamic shared memory.
            CudaNative.cuFuncSetAttribute(function, MaxDynamicSharedSizeBytes, config.SharedBytes).Check($"cuFuncSetAttribute({kernel})");
            _functions[kernel] = (function, config.SharedBytes);
        }
        fixed (KernelArguments* args = &arguments)
        {
            void** parameters = stackalloc void*[Math.Max(1, args->Count)];
            KernelArguments.SlotPointers(args, parameters);
            CudaNative.cuLaunchKernel(function, config.Grid.X, config.Grid.Y, config.Grid.Z, config.Block.X, config.Block.Y, config.Block.Z,
                checked((uint)config.SharedBytes), _stream.DangerousGetHandle(), parameters, null).Check($"cuLaunchKernel({kernel})");
        }
    }

    public void Synchronize()
    {
        _context?.EnsureCurrent();
        _stream.Synchronize();
    }

    private (nint Function, int SharedLimit) Function(string kernel)
    {
        if (!_functions.TryGetValue(kernel, out var entry))
        {
            entry = (_module.Function(kernel), DefaultDynamicSharedLimit);
            _functions[kernel] = entry;
        }
        return entry;
    }
}
