using InferenceServer.Core.Tensors;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;

namespace InferenceServer.Engine.Tests.Adapters;

/// <summary>
/// Writes a copy of an f32 Hugging Face model with a LoRA adapter merged into its weights (W + s·B·A): the reference
/// for the unmerged path. For bf16 slots A and B are rounded to bf16 first, as the slots store them.
/// </summary>
internal static class MergedModel
{
    public static void Write(string baseFolder, LoraAdapter adapter, string outFolder, TensorDType slotDType = TensorDType.F32)
    {
        Directory.CreateDirectory(outFolder);
        foreach (var file in Directory.GetFiles(baseFolder))
            if (!file.EndsWith(".safetensors", StringComparison.Ordinal)) File.Copy(file, Path.Combine(outFolder, Path.GetFileName(file)));
        var writer = new SafetensorsWriter();
        using (var source = SafetensorsFile.Open(Path.Combine(baseFolder, "model.safetensors")))
        {
            foreach (var (key, value) in source.Metadata) writer.AddMetadata(key, value);
            foreach (var info in source.Tensors)
            {
                source.TryGet(info.Name, out var tensor);
                var values = tensor.ToFloat32();
                Merge(info.Name, values, adapter, slotDType);
                writer.Add(info.Name, TensorDType.F32, [.. tensor.Shape], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }
        }
        writer.Write(Path.Combine(outFolder, "model.safetensors"));
    }

    private static void Merge(string name, float[] w, LoraAdapter adapter, TensorDType slotDType)
    {
        double Stored(float v) => slotDType == TensorDType.BF16 ? BFloat16.ToSingle(BFloat16.FromSingle(v)) : v;
        for (int l = 0; l < adapter.NumLayers; l++)
        {
            foreach (var t in LoraTargets.All)
            {
                if (name != $"model.layers.{l}.{t.Block()}.{t.ModuleName()}.weight" || adapter.Weights(l, t) is not { } lw) continue;
                for (int o = 0; o < lw.OutFeatures; o++)
                {
                    for (int i = 0; i < lw.InFeatures; i++)
                    {
                        double delta = 0;
                        for (int r = 0; r < adapter.Rank; r++) delta += Stored(lw.BTransposed[r * lw.OutFeatures + o]) * Stored(lw.A[r * lw.InFeatures + i]);
                        w[o * lw.InFeatures + i] += (float)(adapter.Scaling * delta);
                    }
                }
            }
        }
    }
}
