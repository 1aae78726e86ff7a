using InferenceServer.Core.Errors;
using InferenceServer.Models.Config;
using InferenceServer.TestSupport;

namespace InferenceServer.Models.Tests.Config;

public class HfConfigReaderTests
{
    private static ModelConfig Read(string configJson, string? generationJson = null)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), configJson);
        if (generationJson is not null) File.WriteAllText(dir.File("generation_config.json"), generationJson);
        return HfConfigReader.Read(dir.Path);
    }

    [Fact]
    public void Llama3_rope_scaling_and_eos_list()
    {
        var c = Read("""
            {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":2048,"intermediate_size":8192,
             "num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,
             "max_position_embeddings":131072,"rms_norm_eps":1e-05,"rope_theta":500000.0,"tie_word_embeddings":true,
             "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},
             "bos_token_id":128000,"eos_token_id":[128001,128008,128009],"hidden_act":"silu","attention_bias":false}
            """);
        Assert.Equal(ModelArchitecture.Llama, c.Architecture);
        Assert.Equal(64, c.HeadDim);
        Assert.Equal(8, c.NumKvHeads);
        Assert.Equal(4, c.GroupSize);
        Assert.Equal(500000.0, c.RopeTheta);
        Assert.Equal(1e-5, c.RmsNormEps);
        Assert.Equal(new RopeScaling(32, 1, 4, 8192), c.RopeScaling);
        Assert.True(c.TieWordEmbeddings);
        Assert.Equal(128000, c.BosTokenId);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        Assert.Null(c.SlidingWindow);
    }

    [Fact]
    public void Defaults_and_generation_config_eos_union()
    {
        var c = Read("""
            {"model_type":"llama","hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,
             "num_attention_heads":4,"vocab_size":100,"eos_token_id":2}
            """, """{"eos_token_id":[2, 7],"bos_token_id":1}""");
        Assert.Equal(4, c.NumKvHeads);     // defaults to num_attention_heads
        Assert.Equal(16, c.HeadDim);       // defaults to hidden / heads
        Assert.Equal(2048, c.MaxPositionEmbeddings);
        Assert.Equal(10000.0, c.RopeTheta);
        Assert.False(c.TieWordEmbeddings);
        Assert.Equal([2, 7], c.EosTokenIds);
        Assert.Equal(1, c.BosTokenId);
    }

    [Fact]
    public void Mistral_sliding_window_number_or_null()
    {
        const string Base = """
            "architectures":["MistralForCausalLM"],"model_type":"mistral","hidden_size":4096,"intermediate_size":14336,
            "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":32000,
            "max_position_embeddings":32768,"rope_theta":1000000.0
            """;
        var windowed = Read("{" + Base + ",\"sliding_window\":4096}");
        Assert.Equal(ModelArchitecture.Mistral, windowed.Architecture);
        Assert.Equal(4096, windowed.SlidingWindow);
        Assert.Equal(128, windowed.HeadDim);
        Assert.Null(Read("{" + Base + ",\"sliding_window\":null}").SlidingWindow);
    }

    [Fact]
    public void Qwen2_has_qkv_bias_and_ignores_an_unused_sliding_window()
    {
        var c = Read("""
            {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":896,"intermediate_size":4864,
             "num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,
             "max_position_embeddings":32768,"rope_theta":1000000.0,"sliding_window":32768,"use_sliding_window":false,
             "tie_word_embeddings":true,"bos_token_id":151643,"eos_token_id":151645}
            """);
        Assert.Equal(ModelArchitecture.Qwen2, c.Architecture);
        Assert.True(c.AttentionBias);
        Assert.False(c.QkNorm);
        Assert.Null(c.SlidingWindow);
        Assert.Equal(64, c.HeadDim);
        Assert.Equal(7, c.GroupSize);
    }

    [Fact]
    public void Qwen3_explicit_head_dim_and_qk_norm()
    {
        var c = Read("""
            {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","hidden_size":1024,"intermediate_size":3072,
             "num_hidden_layers":28,"num_attention_heads":16,"num_key_value_heads":8,"head_dim":128,"vocab_size":151936,
             "max_position_embeddings":40960,"rope_theta":1000000,"rms_norm_eps":1e-06,"attention_bias":false,
             "tie_word_embeddings":true,"rope_scaling":null,"eos_token_id":151645}
            """, """{"eos_token_id":[151645,151643],"bos_token_id":151643}""");
        Assert.Equal(ModelArchitecture.Qwen3, c.Architecture);
        Assert.Equal(128, c.HeadDim); // not hidden / heads (64)
        Assert.True(c.QkNorm);
        Assert.False(c.AttentionBias);
        Assert.Equal([151645, 151643], c.EosTokenIds);
    }

    [Fact]
    public void Architecture_from_class_name_when_model_type_is_missing()
    {
        var c = Read("""{"architectures":["Qwen3ForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":1,"num_attention_heads":2,"head_dim":32,"vocab_size":10}""");
        Assert.Equal(ModelArchitecture.Qwen3, c.Architecture);
    }

    [Theory]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10}""", "\"intermediate_size\" is missing")]
    [InlineData("""{"model_type":"llama","hidden_size":"big","intermediate_size":1,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10}""", "\"hidden_size\" must be an integer")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"intermediate_size":1,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":3,"vocab_size":10}""", "must be a positive multiple of num_key_value_heads")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"intermediate_size":1,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10,"rope_scaling":{"rope_type":"yarn","factor":4}}""", "unsupported rope_scaling type 'yarn'")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"intermediate_size":1,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10,"hidden_act":"gelu"}""", "unsupported hidden_act 'gelu'")]
    [InlineData("""{"architectures":["FalconForCausalLM"]}""", "unsupported architecture 'FalconForCausalLM'")]
    [InlineData("""{"model_type": """, "not valid JSON")]
    public void Invalid_configs_name_the_file_and_problem(string json, string problem)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.json"), json);
        var e = Assert.Throws<ModelLoadException>(() => HfConfigReader.Read(dir.Path));
        Assert.Equal(dir.File("config.json"), e.FilePath);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
    }
}
