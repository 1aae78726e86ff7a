using System.CommandLine;
using InferenceServer.Core.Tensors;
using InferenceServer.Models.RandomModels;
using InferenceServer.Tokenization;
using InferenceServer.Tokenization.Writing;

namespace InferenceServer.Cli.Commands;

/// <summary>`make-random-model`: writes a random-weight model of a real shape, for benchmarks of the real loader and kernels.</summary>
internal static class MakeRandomModelCommand
{
    public static Command Create()
    {
        var shape = new Option<string>("--shape") { Description = "Shape: " + string.Join(", ", ModelShapes.All.Select(s => s.Name)), Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output folder", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "f32, f16, bf16 (safetensors) or q8_0 (gguf only)", DefaultValueFactory = _ => "f16" };
        var format = new Option<string>("--format") { Description = "safetensors (Hugging Face folder) or gguf (model.gguf with the tokenizer in its metadata, loadable by llama.cpp, in the folder)", DefaultValueFactory = _ => "safetensors" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 1UL };
        var tokenizers = new Option<string?>("--tokenizers") { Description = "Folder of real tokenizers (default: ../shared/models/tokenizers beside the repository)" };
        var command = new Command("make-random-model", "Write a random-weight model of a real shape in the Hugging Face layout (or GGUF)")
        {
            shape, output, dtype, format, seed, tokenizers,
        };
        command.SetAction(r => CommandErrors.Run(() =>
        {
            string name = r.GetValue(shape)!;
            var s = ModelShapes.Find(name) ?? throw new ArgumentException($"unknown shape '{name}'; known: {string.Join(", ", ModelShapes.All.Select(x => x.Name))}");
            var dt = TensorDTypeExtensions.Parse(r.GetValue(dtype)!);
            string folder = r.GetValue(output)!;
            string tokenizerRoot = r.GetValue(tokenizers) ?? SharedPaths.Tokenizers();
            switch (r.GetValue(format))
            {
                case "safetensors":
                    RandomModelWriter.WriteHuggingFace(s, folder, dt, r.GetValue(seed), tokenizerRoot);
                    break;
                case "gguf":
                    // The tokenizer goes into the GGUF as well, in llama.cpp's keys, so llama.cpp can load the file too.
                    RandomModelWriter.WriteTokenizerFiles(s, folder, tokenizerRoot);
                    var vocabulary = GgufTokenizerMetadata.From(TokenizerLoader.ReadDefinition(folder), vocabularySize: s.Config.VocabSize);
                    RandomModelWriter.WriteGguf(s, Path.Combine(folder, "model.gguf"), dt, r.GetValue(seed), vocabulary);
                    break;
                default:
                    throw new ArgumentException($"unknown format '{r.GetValue(format)}' (expected safetensors or gguf)");
            }
            Console.WriteLine($"wrote {s.Name} ({dt}) to {folder}");
            return 0;
        }));
        return command;
    }
}
