namespace InferenceServer.Backends.Cpu;

/// <summary>Matrix multiplication: checks the operands, then the path's kernels pick GEMV (decode) or GEMM (prefill).</summary>
public sealed unsafe partial class CpuBackend
{
    public void MatMul(DeviceBuffer x, int rows, IDeviceWeight weight, IDeviceWeight? bias, DeviceBuffer y)
    {
        var w = (CpuWeight)weight;
        float* b = bias is CpuWeight cb ? cb.Floats : null;
        if (x.Length < (long)rows * w.Columns || y.Length < (long)rows * w.Rows)
            throw new ArgumentException($"{w.Name}: buffers too small for {rows} rows");
        _kernels.MatMul(_pool, _scratch, (float*)x.Pointer, rows, w, b, (float*)y.Pointer);
    }
}
