namespace InferenceServer.Tokenization.Tests;

public class ReferenceCaseTests
{
    public static TheoryData<int> CaseIndexes => [.. Enumerable.Range(0, 46)];

    [Fact]
    public void Fixtures_hold_46_cases_each()
    {
        Assert.Equal(46, ReferenceCases.Load(SharedTokenizers.Llama2Folder).Count);
        Assert.Equal(46, ReferenceCases.Load(SharedTokenizers.Qwen3Folder).Count);
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Llama2_sentencepiece_model_matches_reference(int index)
    {
        var (input, expected) = ReferenceCases.Load(SharedTokenizers.Llama2Folder)[index];
        Assert.Equal(expected, SharedTokenizers.Llama2.Encode(input, addSpecialTokens: false));
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Qwen3_tokenizer_json_matches_reference(int index)
    {
        var (input, expected) = ReferenceCases.Load(SharedTokenizers.Qwen3Folder)[index];
        Assert.Equal(expected, SharedTokenizers.Qwen3.Encode(input, addSpecialTokens: false));
    }
}
