using System.CommandLine;
using InferenceServer.Models.Adapters;
using InferenceServer.Models.Loading;

namespace InferenceServer.Cli.Commands;

/// <summary>`make-random-lora`: writes a PEFT LoRA adapter with random matrices for a model, for tests and benchmarks.</summary>
internal static class MakeRandomLoraCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Base model: manifest .json, Hugging Face folder or .gguf", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder (adapter_config.json + adapter_model.safetensors)", Required = true };
        var rank = new Option<int>("--rank", "-r") { Description = "LoRA rank", DefaultValueFactory = _ => 8 };
        var alpha = new Option<double?>("--alpha") { Description = "lora_alpha (default: 2 × rank)" };
        var targets = new Option<string[]>("--target-modules") { Description = "Modules to adapt (default: all of q_proj k_proj v_proj o_proj gate_proj up_proj down_proj)", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the random matrices", DefaultValueFactory = _ => 1 };
        var command = new Command("make-random-lora", "Write a random PEFT LoRA adapter for a model")
        {
            model, output, rank, alpha, targets, seed,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            int rv = r.GetValue(rank);
            if (rv is < 1 or > 64) throw new ArgumentException($"--rank must be in [1, 64], got {rv}");
            var modules = r.GetValue(targets) is { Length: > 0 } names
                ? names.Select(n => LoraTargets.FromModuleName(n) ?? throw new ArgumentException($"unknown target module '{n}' (known: {string.Join(", ", LoraTargets.All.Select(t => t.ModuleName()))})")).Distinct().ToList()
                : [.. LoraTargets.All];
            using var loaded = ModelLoader.Load(r.GetValue(model)!);
            string folder = r.GetValue(output)!;
            RandomLoraAdapterWriter.Write(loaded.Config, folder, rv, modules, r.GetValue(seed), r.GetValue(alpha) ?? 2.0 * rv);
            Console.WriteLine($"wrote a rank-{rv} LoRA adapter for {loaded.Name} ({string.Join(", ", modules.Select(m => m.ModuleName()))}) to {folder}");
            return 0;
        }));
        return command;
    }
}
