using InferenceServer.Benchmarking.Plots;
using InferenceServer.TestSupport;

namespace InferenceServer.Benchmarking.Tests.Results;

/// <summary>Plots are real PNG files of the promised size, for a single run and for a sweep.</summary>
public sealed class PlotTests
{
    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 2000, $"{path}: {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        // IHDR width and height, big-endian at bytes 16..23.
        Assert.Equal(PlotLabels.Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(PlotLabels.Height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Cdfs_and_sweep_plots_are_written_as_pngs()
    {
        using var dir = new TempDirectory();
        var report = ReportSamples.Report("max-concurrency=1,4",
            ReportSamples.Run("1", 2, ReportSamples.Ok(0.1, 1.0), ReportSamples.Ok(0.2, 1.1), ReportSamples.Ok(0.15, 0.9)),
            ReportSamples.Run("4", 1, ReportSamples.Ok(0.3, 1.5), ReportSamples.Ok(0.4, 1.6)));
        var files = CdfPlots.Write(report, dir.Path).Concat(SweepPlots.Write(report, dir.Path)).ToList();
        Assert.Equal([CdfPlots.TtftFile, CdfPlots.E2elFile, SweepPlots.ThroughputFile, SweepPlots.LatencyFile], files.Select(Path.GetFileName));
        Assert.All(files, AssertPng);
    }
}
