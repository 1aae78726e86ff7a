using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Backends.Cuda.Emulation;

/// <summary>
/// The kernels of kernels/ compiled by g++ against the emulation header, launched by name on the CPU. Launches are
/// synchronous; failures (unknown kernel, bad shape, a barrier not all threads reach) throw <see cref="CudaException"/>.
/// </summary>
public sealed unsafe class KernelEmulator : IKernelLauncher
{
    private readonly delegate* unmanaged<byte*, uint, uint, uint, uint, uint, uint, uint, void**, int> _launch;
    private readonly delegate* unmanaged<byte*> _lastError;
    private readonly delegate* unmanaged<int> _kernelCount;
    private readonly delegate* unmanaged<int, byte*> _kernelName;

    /// <summary>Loads the emulation library at <paramref name="path"/> (kept loaded for the process lifetime).</summary>
    public KernelEmulator(string path)
    {
        nint lib = NativeLibrary.Load(path);
        _launch = (delegate* unmanaged<byte*, uint, uint, uint, uint, uint, uint, uint, void**, int>)NativeLibrary.GetExport(lib, "kemu_launch_kernel");
        _lastError = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(lib, "kemu_last_error");
        _kernelCount = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "kemu_kernel_count");
        _kernelName = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(lib, "kemu_kernel_name");
    }

    /// <summary>Names of the kernels the library registered.</summary>
    public IReadOnlyList<string> KernelNames
    {
        get
        {
            var names = new string[_kernelCount()];
            for (int i = 0; i < names.Length; i++) names[i] = Marshal.PtrToStringUTF8((nint)_kernelName(i))!;
            return names;
        }
    }

    public void Launch(string kernel, in LaunchConfig config, ref KernelArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        int nameBytes = Encoding.UTF8.GetByteCount(kernel);
        byte* name = stackalloc byte[nameBytes + 1];
        Encoding.UTF8.GetBytes(kernel, new Span<byte>(name, nameBytes));
        name[nameBytes] = 0;
        int rc;
        fixed (KernelArguments* args = &arguments)
        {
            void** parameters = stackalloc void*[Math.Max(1, args->Count)];
            KernelArguments.SlotPointers(args, parameters);
            rc = _launch(name, config.Grid.X, config.Grid.Y, config.Grid.Z, config.Block.X, config.Block.Y, config.Block.Z,
                checked((uint)config.SharedBytes), parameters);
        }
        if (rc != 0)
        {
            var result = (CudaResult)rc;
            throw new CudaException(result, CudaErrorNames.Of(result), $"launch of {kernel} (emulated)", Marshal.PtrToStringUTF8((nint)_lastError()));
        }
    }

    /// <summary>Launches are synchronous: nothing to wait for.</summary>
    public void Synchronize()
    {
    }
}
