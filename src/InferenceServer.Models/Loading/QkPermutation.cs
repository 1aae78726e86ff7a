using InferenceServer.Core.Errors;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.Config;
using InferenceServer.Models.Weights;

namespace InferenceServer.Models.Loading;

/// <summary>
/// llama.cpp's converter reorders the output rows of q_proj and k_proj (weights and biases) for Llama and Mistral,
/// so that its interleaved RoPE pairs adjacent rows: per head, HF row s*(d/2)+i becomes GGUF row 2i+s
/// (<c>w.reshape(n_head, 2, d/2, n_in).swapaxes(1, 2)</c>). Whole rows move, so this works for any row layout,
/// quantized rows included. Loading undoes it so the engine always sees the Hugging Face layout.
/// </summary>
public static class QkPermutation
{
    /// <summary>Whether GGUF files of <paramref name="arch"/> store q/k permuted (llama.cpp does it for Llama and Mistral only).</summary>
    public static bool AppliesTo(ModelArchitecture arch) => arch is ModelArchitecture.Llama or ModelArchitecture.Mistral;

    /// <summary>Heads to permute over for an HF tensor name: query heads for q_proj, KV heads for k_proj, null for other tensors.</summary>
    public static int? HeadsFor(string hfName, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!AppliesTo(config.Architecture)) return null;
        if (hfName.EndsWith(".self_attn.q_proj.weight", StringComparison.Ordinal) || hfName.EndsWith(".self_attn.q_proj.bias", StringComparison.Ordinal))
            return config.NumHeads;
        if (hfName.EndsWith(".self_attn.k_proj.weight", StringComparison.Ordinal) || hfName.EndsWith(".self_attn.k_proj.bias", StringComparison.Ordinal))
            return config.NumKvHeads;
        return null;
    }

    /// <summary>The GGUF row index that holds Hugging Face row <paramref name="hfRow"/>.</summary>
    public static long GgufRowOf(long hfRow, long headDim)
    {
        long head = hfRow / headDim, r = hfRow % headDim, half = headDim / 2;
        long s = r / half, i = r % half;
        return head * headDim + 2 * i + s;
    }

    /// <summary>The Hugging Face row index stored at GGUF row <paramref name="ggufRow"/>.</summary>
    public static long HfRowOf(long ggufRow, long headDim)
    {
        long head = ggufRow / headDim, r = ggufRow % headDim;
        long i = r / 2, s = r % 2;
        return head * headDim + s * (headDim / 2) + i;
    }

    /// <summary>Rearranges rows HF to GGUF order (<paramref name="toGguf"/>) or back, copying whole rows of <paramref name="rowBytes"/> bytes.</summary>
    public static void PermuteRows(ReadOnlySpan<byte> source, Span<byte> destination, long rows, long rowBytes, int heads, bool toGguf)
    {
        long headDim = CheckedHeadDim(rows, heads);
        if (source.Length < rows * rowBytes || destination.Length < rows * rowBytes)
            throw new ArgumentException("buffers are smaller than rows * rowBytes");
        int rb = checked((int)rowBytes);
        for (long dst = 0; dst < rows; dst++)
        {
            long src = toGguf ? HfRowOf(dst, headDim) : GgufRowOf(dst, headDim);
            source.Slice((int)(src * rowBytes), rb).CopyTo(destination.Slice((int)(dst * rowBytes), rb));
        }
    }

    /// <summary>A copy of GGUF tensor <paramref name="gguf"/> with its rows put back in Hugging Face order, in a new native buffer.</summary>
    public static unsafe WeightTensor Unpermute(WeightTensor gguf, string hfName, int heads, string path, out NativeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(gguf);
        long rows = gguf.Shape[0];
        if (rows % (2L * heads) != 0)
            throw new ModelLoadException(path,
                $"tensor '{hfName}' has shape [{string.Join(", ", gguf.Shape)}]: its {rows} rows are not {heads} heads of an even head size");
        // A 1-D bias is a column of single-element rows.
        long rowBytes = gguf.Shape.Count == 1 ? gguf.DType.BlockBytes() : gguf.DType.RowBytes(gguf.Columns);
        if (gguf.Shape.Count == 1 && gguf.DType.BlockSize() != 1)
            throw new ModelLoadException(path, $"tensor '{hfName}' is a {gguf.DType} vector, which cannot be reordered");
        buffer = new NativeBuffer(gguf.ByteLength);
        var dst = new Span<byte>(buffer.Data, checked((int)gguf.ByteLength));
        PermuteRows(gguf.Bytes, dst, rows, rowBytes, heads, toGguf: false);
        return new WeightTensor(hfName, gguf.DType, [.. gguf.Shape], buffer.Data, gguf.ByteLength);
    }

    private static long CheckedHeadDim(long rows, int heads)
    {
        if (heads <= 0 || rows % heads != 0 || rows / heads % 2 != 0)
            throw new ArgumentException($"{rows} rows are not {heads} heads of an even size");
        return rows / heads;
    }
}
