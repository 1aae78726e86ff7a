using InferenceServer.Engine.Requests;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>
/// Keeps an adapter in use deterministically: an engine request on it whose outputs nobody reads is paused by the
/// engine's backpressure once its output buffer fills, and stays running until the returned stream is disposed.
/// (HTTP streams depend on how much the socket buffers absorb, which varies with machine load.)
/// </summary>
public static class HeldRequest
{
    public static async Task<RequestStream> OpenAsync(TestServer server, string adapter)
    {
        await server.Model.Adapters.EnsureLoadedAsync(adapter);
        var stream = server.Model.Engine.Submit(new EngineRequest
        {
            PromptTokens = Reference.Model.Tokenizer.Encode("Once"),
            Sampling = new SamplingParams { Temperature = 0, MaxTokens = 400, IgnoreEos = true },
            Adapter = adapter,
        });
        Assert.True(await stream.Outputs.WaitToReadAsync());
        return stream;
    }
}
