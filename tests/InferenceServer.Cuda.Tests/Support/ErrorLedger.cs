using System.Collections.Concurrent;
using System.Globalization;
using InferenceServer.Backends.Cuda.Kernels;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>
/// Worst error per (kernel, dtype, device) over the whole run, written to cuda-conformance-errors.txt beside the test
/// assembly when the run ends: the figures issue 8 asks for when resolving.
/// </summary>
internal static class ErrorLedger
{
    private static readonly ConcurrentDictionary<(string Kernel, KernelDType DType, string Device), (int Cases, long Values, double Abs, double Ulps)> Worst = new();

    static ErrorLedger()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Write();
    }

    public static void Record(string kernel, KernelDType dtype, string device, long values, double abs, double ulps)
        => Worst.AddOrUpdate((kernel, dtype, device), (1, values, abs, ulps),
            (_, w) => (w.Cases + 1, w.Values + values, Math.Max(w.Abs, abs), Math.Max(w.Ulps, ulps)));

    private static void Write()
    {
        var lines = Worst.OrderBy(e => e.Key.Kernel).ThenBy(e => e.Key.DType).ThenBy(e => e.Key.Device).Select(e => string.Format(
            CultureInfo.InvariantCulture, "{0,-24} {1,-5} {2,-10} cases {3,4}  values {4,10}  worst abs {5:E2}  worst {6:F2} ulp",
            e.Key.Kernel, e.Key.DType, e.Key.Device, e.Value.Cases, e.Value.Values, e.Value.Abs, e.Value.Ulps));
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "cuda-conformance-errors.txt"), lines);
    }
}
