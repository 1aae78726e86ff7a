using System.Net;
using InferenceServer.Backends;
using InferenceServer.Engine.Sampling;
using InferenceServer.TestSupport;

namespace InferenceServer.Server.Tests;

/// <summary>The server with <c>--device cuda-emulation</c>: the CUDA backend behind the real HTTP API answers as the CPU reference does.</summary>
public sealed class CudaBackendServerTests
{
    [NeedsKernelEmulationFact]
    public async Task Completions_on_the_cuda_backend_equal_the_cpu_reference_streamed_or_not()
    {
        await using var server = await TestServer.StartAsync(o => o.Engine = o.Engine with { Device = ComputeDevice.CudaEmulation });
        Assert.StartsWith("device cuda-emulation", server.Model.Engine.Core.DeviceDescription, StringComparison.Ordinal);
        const string Prompt = "Once upon a time";
        var expected = Reference.Generate(Reference.Model.Tokenizer.Encode(Prompt), new SamplingParams { Temperature = 0, MaxTokens = 24, IgnoreEos = true });

        var (response, body) = await Json.PostAsync(server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 24, temperature = 0, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Text, body["choices"]![0]!["text"].Str());

        var events = await Json.StreamAsync(server.Http, "/v1/completions", new { prompt = Prompt, max_tokens = 24, temperature = 0, ignore_eos = true, stream = true });
        Assert.Equal(expected.Text, string.Concat(events.Select(e => e["choices"]![0]!["text"].Str())));
    }

    [NoGpuFact]
    public async Task Device_cuda_without_a_gpu_fails_at_start_with_the_cuda_error()
    {
        var e = await Assert.ThrowsAsync<Devices.DeviceUnavailableException>(() => TestServer.StartAsync(o => o.Engine = o.Engine with { Device = ComputeDevice.Cuda }));
        Assert.StartsWith("no usable CUDA GPU: ", e.Message, StringComparison.Ordinal);
    }
}
