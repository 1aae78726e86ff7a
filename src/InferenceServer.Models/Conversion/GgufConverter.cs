using InferenceServer.Core.Tensors;
using InferenceServer.Models.Gguf;
using InferenceServer.Models.Loading;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Conversion;

/// <summary>Writes a GGUF copy of a loaded model (Hugging Face layout in, llama.cpp layout out: GGUF names, q/k permuted for Llama/Mistral).</summary>
public static class GgufConverter
{
    /// <summary>
    /// Writes <paramref name="hf"/> to <paramref name="outPath"/> as GGUF v3 with matrices stored as <paramref name="dtype"/>
    /// (F32, F16, BF16 or Q8_0; vectors stay F32). <paramref name="extraMetadata"/> (e.g. tokenizer.ggml.*) is added last and wins.
    /// Tied models get no output.weight, as llama.cpp writes them.
    /// </summary>
    public static void FromHuggingFace(LoadedModel hf, string outPath, TensorDType dtype, IReadOnlyDictionary<string, object>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(hf);
        var config = hf.Config;
        var writer = new GgufWriter();
        foreach (var (k, v) in GgufModelMetadata.For(config, hf.Name, dtype)) writer.AddMetadata(k, v);
        if (extraMetadata is not null)
            foreach (var (k, v) in extraMetadata) writer.AddMetadata(k, v);

        foreach (var (name, shape) in ExpectedTensors.For(config))
        {
            if (!hf.Weights.TryGet(name, out var source))
                throw new Core.Errors.ModelLoadException(hf.Weights.SourcePath, $"missing tensor '{name}'");
            string ggufName = GgufTensorNames.ToGguf(name) ?? name;
            var target = GgufModelMetadata.TensorType(shape, dtype);
            int? heads = QkPermutation.HeadsFor(name, config);
            writer.AddTensor(ggufName, target, shape, stream => WriteTensor(stream, source, target, heads));
        }
        writer.Write(outPath);
    }

    /// <summary>Writes <paramref name="source"/> as <paramref name="target"/>, rows in GGUF order; same-type rows are copied bit for bit.</summary>
    private static unsafe void WriteTensor(Stream stream, WeightTensor source, TensorDType target, int? heads)
    {
        // A vector is a column of one-value rows so that bias permutation moves single values.
        bool vector = source.Shape.Count == 1;
        long rows = vector ? source.Shape[0] : source.ElementCount / source.Columns;
        int columns = vector ? 1 : checked((int)source.Columns);
        long headDim = heads is int h ? rows / h : 0;
        long SourceRow(long row) => heads is null ? row : QkPermutation.HfRowOf(row, headDim);

        if (source.DType == target && !vector)
        {
            long rowBytes = source.DType.RowBytes(columns);
            for (long r = 0; r < rows; r++)
                stream.Write(new ReadOnlySpan<byte>(source.Data + SourceRow(r) * rowBytes, checked((int)rowBytes)));
            return;
        }
        if (vector)
        {
            // Decode the whole vector once; vectors are small (at most a few thousand values).
            float[] all = source.ToFloat32();
            RowStreamer.Write(stream, rows, 1, target, (r, dst) => dst[0] = all[SourceRow(r)]);
            return;
        }
        RowStreamer.Write(stream, rows, columns, target, (r, dst) => source.RowToFloat32(SourceRow(r)).CopyTo(dst));
    }
}
