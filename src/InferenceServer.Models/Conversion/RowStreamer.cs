using InferenceServer.Core.Tensors;
using InferenceServer.Models.Quantization;

namespace InferenceServer.Models.Conversion;

/// <summary>
/// Streams a tensor to a file row by row: rows are produced as fp32 in chunks of about 4 MB (in parallel),
/// encoded to the target dtype and written, so no tensor is ever held whole in managed memory.
/// </summary>
internal static class RowStreamer
{
    private const long ChunkValues = 1 << 20;

    /// <param name="stream">Destination.</param>
    /// <param name="rows">Number of rows (1 for a vector).</param>
    /// <param name="columns">Values per row.</param>
    /// <param name="dtype">Storage type written.</param>
    /// <param name="fillRow">Produces fp32 values of an output row; called concurrently for different rows.</param>
    public static void Write(Stream stream, long rows, int columns, TensorDType dtype, Action<long, Span<float>> fillRow)
    {
        long rowBytes = dtype.RowBytes(columns);
        int chunkRows = (int)Math.Clamp(ChunkValues / columns, 1, rows);
        var values = new float[(long)chunkRows * columns];
        var bytes = new byte[chunkRows * rowBytes];
        for (long first = 0; first < rows; first += chunkRows)
        {
            int n = (int)Math.Min(chunkRows, rows - first);
            Parallel.For(0, n, i =>
            {
                var v = values.AsSpan(i * columns, columns);
                fillRow(first + i, v);
                TensorCodec.Encode(v, dtype, bytes.AsSpan((int)(i * rowBytes), (int)rowBytes));
            });
            stream.Write(bytes, 0, (int)(n * rowBytes));
        }
    }
}
