using InferenceServer.Benchmarking.Datasets;
using InferenceServer.TestSupport;
using InferenceServer.Tokenization;

namespace InferenceServer.Benchmarking.Tests.Datasets;

/// <summary>ShareGPT files: first turn as prompt, the answer's token count as output length, vLLM's length filters.</summary>
public sealed class ShareGptDatasetTests
{
    private static readonly TextTokenizer Tokenizer = TokenizerLoader.Load(SharedModels.TinyStories);

    private const string Long = "Once upon a time there was a little girl who liked to play in the park with her dog.";
    private const string Answer = "The dog ran after the ball and the girl laughed all day long.";

    private static string File(TempDirectory dir, string json)
    {
        string path = dir.File("sharegpt.json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    private const string Conversations = $$"""
    [
      {"id": "ok", "conversations": [{"from": "human", "value": "{{Long}}"}, {"from": "gpt", "value": "{{Answer}}"}]},
      {"id": "short prompt", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "{{Answer}}"}]},
      {"id": "short answer", "conversations": [{"from": "human", "value": "{{Long}}"}, {"from": "gpt", "value": "Ok"}]},
      {"id": "one turn", "conversations": [{"from": "human", "value": "{{Long}}"}]},
      {"id": "no conversations"}
    ]
    """;

    [Fact]
    public void Only_conversations_passing_the_filters_are_used_with_the_answer_length_as_output()
    {
        using var dir = new TempDirectory();
        var prompts = DatasetFactory.Build(Tokenizer, new DatasetSpec { Name = "sharegpt", Path = File(dir, Conversations), OutputLen = null }, 3, seed: 1);
        int answerTokens = Tokenizer.Encode(Answer, addSpecialTokens: false).Length;
        Assert.Equal(3, prompts.Count); // the one usable conversation, repeated
        Assert.All(prompts, p =>
        {
            Assert.Equal(Long, p.Prompt);
            Assert.Equal(Tokenizer.Encode(Long, addSpecialTokens: false).Length, p.PromptTokens);
            Assert.Equal(answerTokens, p.OutputTokens);
        });
    }

    [Fact]
    public void A_fixed_output_length_replaces_the_answers_and_lets_short_answers_through()
    {
        using var dir = new TempDirectory();
        var prompts = DatasetFactory.Build(Tokenizer, new DatasetSpec { Name = "sharegpt", Path = File(dir, Conversations), OutputLen = 32 }, 2, seed: 5);
        Assert.All(prompts, p => Assert.Equal(32, p.OutputTokens));
        Assert.All(prompts, p => Assert.Equal(Long, p.Prompt));
    }

    [Theory]
    [InlineData("{\"not\": \"an array\"}", "JSON array")]
    [InlineData("[", "not valid JSON")]
    [InlineData("[{\"conversations\": [{\"value\": \"Hi\"}, {\"value\": \"Yo\"}]}]", "no conversation passes")]
    public void Bad_files_are_refused_with_a_message_naming_the_file(string json, string message)
    {
        using var dir = new TempDirectory();
        string path = File(dir, json);
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Build(Tokenizer, new DatasetSpec { Name = "sharegpt", Path = path }, 1, 0));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
