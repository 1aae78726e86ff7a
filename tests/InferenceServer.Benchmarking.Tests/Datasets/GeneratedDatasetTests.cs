using InferenceServer.Benchmarking.Datasets;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Tests.Datasets;

/// <summary>The random and shared-prefix workloads with the bundled model's real tokenizer.</summary>
public sealed class GeneratedDatasetTests
{
    private static readonly TextTokenizer Tokenizer = TokenizerLoader.Load(SharedModels.TinyStories);

    private static int Tokens(string text) => Tokenizer.Encode(text, addSpecialTokens: false).Length;

    [Fact]
    public void Random_prompts_have_the_drawn_lengths_within_the_range_ratio_counted_by_the_tokenizer()
    {
        var spec = new DatasetSpec { Name = "random", InputLen = 40, OutputLen = 20, RangeRatio = 0.5 };
        var prompts = DatasetFactory.Build(Tokenizer, spec, 30, seed: 1);
        Assert.Equal(30, prompts.Count);
        Assert.All(prompts, p =>
        {
            Assert.Equal(Tokens(p.Prompt), p.PromptTokens);
            Assert.InRange(p.PromptTokens, 20, 60);
            Assert.InRange(p.OutputTokens, 10, 30);
        });
        // The lengths really vary over the range rather than sitting at one value.
        Assert.True(prompts.Select(p => p.OutputTokens).Distinct().Count() > 5);
    }

    [Fact]
    public void Without_a_range_every_prompt_is_exactly_the_input_length()
    {
        var spec = new DatasetSpec { Name = "random", InputLen = 64, OutputLen = 8 };
        Assert.All(DatasetFactory.Build(Tokenizer, spec, 10, seed: 2), p =>
        {
            Assert.Equal(64, Tokens(p.Prompt));
            Assert.Equal(8, p.OutputTokens);
        });
    }

    [Fact]
    public void The_same_seed_gives_the_same_workload_and_another_seed_another()
    {
        var spec = new DatasetSpec { Name = "random", InputLen = 16, OutputLen = 16, RangeRatio = 0.25 };
        Assert.Equal(DatasetFactory.Build(Tokenizer, spec, 5, seed: 9), DatasetFactory.Build(Tokenizer, spec, 5, seed: 9));
        Assert.NotEqual(DatasetFactory.Build(Tokenizer, spec, 5, seed: 9), DatasetFactory.Build(Tokenizer, spec, 5, seed: 10));
    }

    [Fact]
    public void Shared_prefix_prompts_fall_into_groups_whose_token_ids_share_the_prefix()
    {
        var spec = new DatasetSpec { Name = "shared-prefix", PrefixGroups = 3, PrefixLen = 32, InputLen = 8, OutputLen = 4 };
        var prompts = DatasetFactory.Build(Tokenizer, spec, 12, seed: 4);
        Assert.Equal(12, prompts.Count);
        var groups = prompts.GroupBy(p => string.Join(',', Tokenizer.Encode(p.Prompt, addSpecialTokens: false)[..32])).ToList();
        Assert.Equal(3, groups.Count);
        Assert.All(groups, g => Assert.Equal(4, g.Count()));
        // Suffixes differ within a group, so only the prefix can be shared.
        Assert.All(groups, g => Assert.Equal(4, g.Select(p => p.Prompt).Distinct().Count()));
        Assert.All(prompts, p => Assert.Equal(Tokens(p.Prompt), p.PromptTokens));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("sharegpt")] // without --dataset-path
    public void Unknown_datasets_and_missing_paths_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => DatasetFactory.Build(Tokenizer, new DatasetSpec { Name = name }, 1, 0));

    [Fact]
    public void A_range_ratio_of_one_or_more_is_refused() =>
        Assert.Throws<ArgumentException>(() => DatasetFactory.Build(Tokenizer, new DatasetSpec { InputLen = 8, RangeRatio = 1 }, 1, 0));
}
