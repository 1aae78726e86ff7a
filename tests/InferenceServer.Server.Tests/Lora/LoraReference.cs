using System.Text;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;
using InferenceServer.Models.Adapters;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>The engine run directly in the test process with a LoRA adapter: what the server's adapter answers must equal.</summary>
public static class LoraReference
{
    private static readonly Lazy<LlmEngine> Engine = new(() => new LlmEngine(EngineFactory.Create(Reference.Model.Model, Reference.Model.Tokenizer,
        new EngineOptions { Threads = 1, KvCacheMemoryBytes = 8 << 20, EnableLora = true, MaxLoras = 1, MaxCpuLoras = 64, MaxLoraRank = 64 })));

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Text and finish reason of generating from <paramref name="prompt"/> with the adapter in <paramref name="folder"/>.</summary>
    public static async Task<(string Text, string Finish)> GenerateAsync(string folder, int[] prompt, SamplingParams sampling)
    {
        await Gate.WaitAsync();
        try
        {
            // Named by folder: every test's adapter files are distinct.
            if (!Engine.Value.Adapters.Contains(folder))
                await Engine.Value.LoadAdapterAsync(LoraAdapterLoader.Load(folder, folder, Reference.Model.Model.Config, 64));
            var text = new StringBuilder();
            string finish = "";
            await foreach (var o in Engine.Value.GenerateAsync(new EngineRequest { PromptTokens = prompt, Sampling = sampling, Adapter = folder }))
            {
                text.Append(o.TextDelta);
                if (o.Finish is { } f) finish = f.ToWire();
            }
            return (text.ToString(), finish);
        }
        finally
        {
            Gate.Release();
        }
    }
}
