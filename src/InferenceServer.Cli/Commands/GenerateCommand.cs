using System.CommandLine;
using System.Globalization;
using System.Text;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Sampling;
using InferenceServer.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.Cli.Commands;

/// <summary>`generate`: streams a completion of a prompt to stdout, then prefill and decode speed.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model manifest (.json), Hugging Face model folder, or .gguf file", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Tokenizer (folder, tokenizer.json, tokenizer.model or .gguf) when the model has none" };
        var prompt = new Option<string>("--prompt", "-p") { Description = "Prompt text", Required = true };
        var maxTokens = new Option<int>("--max-tokens", "-n") { Description = "Most tokens to generate", DefaultValueFactory = _ => 256 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature; 0 is greedy", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0: off)" };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling mass", DefaultValueFactory = _ => 1f };
        var minP = new Option<float>("--min-p") { Description = "Drop tokens less likely than min-p × the best" };
        var repetition = new Option<float>("--repetition-penalty") { Description = "Penalty for tokens already in prompt or output (1: off)", DefaultValueFactory = _ => 1f };
        var presence = new Option<float>("--presence-penalty") { Description = "OpenAI presence penalty" };
        var frequency = new Option<float>("--frequency-penalty") { Description = "OpenAI frequency penalty" };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed for reproducible sampling" };
        var stop = new Option<string[]>("--stop") { Description = "Stop strings (repeatable)", AllowMultipleArgumentsPerToken = false };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Keep generating past end-of-sequence tokens" };
        var threads = new Option<int>("--threads", "-t") { Description = "CPU threads (0: all cores)" };
        var dtype = new Option<string?>("--dtype") { Description = "Store weight matrices as f32, f16, bf16 or q8_0 (default: as in the file or manifest)" };
        var maxBatch = new Option<int>("--max-batch-tokens") { Description = "Prompt tokens per forward pass", DefaultValueFactory = _ => 512 };
        var eager = new Option<bool>("--enforce-eager") { Description = "Run decode steps op by op instead of replaying captured CUDA graphs" };
        var device = new Option<string>("--device") { Description = "cpu, cuda, auto (CUDA when a GPU can be used, else CPU) or cuda-emulation", DefaultValueFactory = _ => "auto" };

        var command = new Command("generate", "Stream a completion of a prompt and print prefill and decode tokens/s")
        {
            model, tokenizer, prompt, maxTokens, temperature, topK, topP, minP, repetition, presence, frequency, seed, stop, ignoreEos, threads, dtype, maxBatch, device, eager,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            var sampling = new SamplingParams
            {
                Temperature = r.GetValue(temperature),
                TopK = r.GetValue(topK),
                TopP = r.GetValue(topP),
                MinP = r.GetValue(minP),
                RepetitionPenalty = r.GetValue(repetition),
                PresencePenalty = r.GetValue(presence),
                FrequencyPenalty = r.GetValue(frequency),
                Seed = r.GetValue(seed),
                MaxTokens = r.GetValue(maxTokens),
                Stop = r.GetValue(stop) ?? [],
                IgnoreEos = r.GetValue(ignoreEos),
            };
            sampling.Validate();
            // The flags bind through the same step as serve's settings, under the engine's setting names.
            var flags = new Dictionary<string, string?>
            {
                [nameof(EngineOptions.Threads)] = r.GetValue(threads).ToString(CultureInfo.InvariantCulture),
                [nameof(EngineOptions.DType)] = r.GetValue(dtype),
                [nameof(EngineOptions.MaxNumBatchedTokens)] = r.GetValue(maxBatch).ToString(CultureInfo.InvariantCulture),
                [nameof(EngineOptions.Device)] = r.GetValue(device),
                [nameof(EngineOptions.EnforceEager)] = r.GetValue(eager) ? "true" : "false",
            };
            var options = ServerConfiguration.BindEngine(new ConfigurationBuilder().AddInMemoryCollection(flags).Build(), new EngineOptions());
            return Run(r.GetValue(model)!, r.GetValue(tokenizer), r.GetValue(prompt)!, sampling, options);
        }));
        return command;
    }

    private static int Run(string modelPath, string? tokenizerPath, string prompt, SamplingParams sampling, EngineOptions options)
    {
        using var opened = ModelOpener.Open(modelPath, tokenizerPath);
        using var generator = EngineFactory.CreateGenerator(opened.Model, opened.Tokenizer, options.ForModel(opened.Model));
        var ids = opened.Tokenizer.Encode(prompt);
        var stdout = Console.Out;
        stdout.Write(prompt);
        string finish = "";
        foreach (var e in generator.Generate(ids, sampling))
        {
            stdout.Write(e.TextDelta);
            stdout.Flush();
            if (e.Finish is FinishReason f) finish = f.ToWire();
        }
        stdout.WriteLine();
        var stats = generator.LastStats!;
        var err = Console.Error;
        err.WriteLine(generator.DeviceDescription);
        err.WriteLine($"model: {opened.Model.Name} ({opened.Model.Config.Architecture}, weights {DescribeWeights(generator)}), finish: {finish}");
        err.WriteLine($"prefill: {stats.PromptTokens} tokens in {stats.PrefillTime.TotalMilliseconds:F1} ms, {stats.PrefillTokensPerSecond:F1} tokens/s");
        err.WriteLine($"decode: {stats.DecodeTokensPerSecond:F1} tokens/s ({stats.GeneratedTokens} tokens in {stats.DecodeTime.TotalMilliseconds:F1} ms)");
        return 0;
    }

    private static string DescribeWeights(TextGenerator g)
    {
        var w = g.Weights;
        var sb = new StringBuilder();
        sb.Append(w.Layers[0].QProj.DType.ToString().ToLowerInvariant());
        sb.Append($", {w.MatrixBytesPerToken / 1e6:F1} MB read per token");
        return sb.ToString();
    }
}
