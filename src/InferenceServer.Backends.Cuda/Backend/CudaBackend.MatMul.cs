using InferenceServer.Backends.Cuda.Kernels;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Backends.Cuda.Backend;

/// <summary>Linear layers: cuBLAS for dense weights (half weights meet a half copy of the activations), the Q8_0 GEMV kernel for GGUF weights.</summary>
public sealed partial class CudaBackend
{
    public void MatMul(DeviceBuffer x, int rows, IDeviceWeight weight, IDeviceWeight? bias, DeviceBuffer y)
    {
        var w = (CudaWeight)weight;
        var b = (CudaWeight?)bias;
        if (rows == 0) return;
        if (w.DType == TensorDType.Q8_0)
        {
            // The kernel adds the bias itself. It reuses each weight load for 4 rows: right for decode; prefill of
            // Q8_0 models would gain from dequantising tiles into a tensor-core GEMM instead.
            GemvQ8_0Launch.Launch(_launcher, KernelDType.F32, y.Pointer, x.Pointer, w.Pointer, b?.Pointer ?? 0, rows, w.Rows, w.Columns);
            return;
        }
        var type = w.KernelType;
        nint input = x.Pointer;
        if (type != KernelDType.F32)
        {
            long count = (long)rows * w.Columns;
            input = _halfActivations.Get(count * type.Size());
            ElementwiseLaunch.ConvertFromF32(_launcher, type, input, x.Pointer, count);
        }
        _device.Gemm.Gemm(type, y.Pointer, input, w.Pointer, rows, w.Rows, w.Columns);
        if (b != null) ElementwiseLaunch.AddBias(_launcher, y.Pointer, b.Pointer, rows, w.Rows);
    }
}
