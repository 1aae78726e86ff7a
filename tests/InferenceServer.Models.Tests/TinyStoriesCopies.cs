using InferenceServer.Core.Tensors;
using InferenceServer.Models.Quantization;
using InferenceServer.Models.Safetensors;
using InferenceServer.Models.Weights;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests;

/// <summary>Writes modified copies of the bundled TinyStories model into test folders.</summary>
internal static class TinyStoriesCopies
{
    /// <summary>Copies config.json and generation_config.json of the bundled model into <paramref name="folder"/>.</summary>
    public static void CopyConfig(string folder)
    {
        foreach (string f in new[] { "config.json", "generation_config.json" })
            File.Copy(Path.Combine(SharedModels.TinyStories, f), Path.Combine(folder, f), overwrite: true);
    }

    /// <summary>Writes every stored tensor of the bundled model as <paramref name="dtype"/> with <see cref="SafetensorsWriter"/>.</summary>
    public static void WriteConverted(string path, TensorDType dtype, Func<string, bool>? include = null, bool keepAlias = true)
    {
        using var source = SafetensorsFile.Open(Path.Combine(SharedModels.TinyStories, "model.safetensors"));
        var writer = new SafetensorsWriter();
        foreach (var info in source.Tensors)
        {
            if (include is not null && !include(info.Name)) continue;
            Assert.True(source.TryGet(info.Name, out var t));
            float[] values = t.ToFloat32();
            var bytes = new byte[values.Length * dtype.BlockBytes()];
            TensorCodec.Encode(values, dtype, bytes);
            writer.Add(info.Name, dtype, info.Shape, bytes);
        }
        if (keepAlias) writer.AddMetadata("model.embed_tokens.weight", "lm_head.weight");
        writer.Write(path);
    }
}
