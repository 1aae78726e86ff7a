using InferenceServer.Models.Config;

namespace InferenceServer.Models.RandomModels;

/// <summary>A real model's name, config and tokenizer, for generating random-weight stand-ins of the same shape.</summary>
public sealed record ModelShape(string Name, ModelConfig Config, TokenizerFiles Tokenizer)
{
    /// <summary>Number of weight values (all tensors, lm_head included when untied).</summary>
    public long ParameterCount => Loading.ExpectedTensors.For(Config)
        .Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
}
