using System.Text.Json;
using InferenceServer.ChatTemplates.Loading;
using InferenceServer.Core.Errors;
using InferenceServer.TestSupport;

namespace InferenceServer.ChatTemplates.Tests;

/// <summary>Loading templates from model folders, tokenizer configs and .jinja files, and choosing among named templates.</summary>
public sealed class ModelChatTemplatesTests
{
    private static readonly string Qwen3Folder = Path.Combine(SharedModels.Tokenizers, "qwen3");

    public static TheoryData<string> Qwen3Cases()
    {
        var data = new TheoryData<string>();
        foreach (var (template, caseName) in ReferenceCases.All().Select(r => ((string)r[0], (string)r[1])))
            if (template == "Qwen-Qwen3-0.6B") data.Add(caseName);
        return data;
    }

    [Theory]
    [MemberData(nameof(Qwen3Cases))]
    public void The_qwen3_tokenizer_config_renders_like_the_qwen3_reference(string caseName)
    {
        var model = ModelChatTemplates.Load(Qwen3Folder);
        Assert.False(model.IsFallback);
        Assert.Equal(Path.Combine(Qwen3Folder, "tokenizer_config.json"), model.Origin);
        // Qwen3's config has eos "<|im_end|>" and bos null, so bos_token stays undefined, which prints as "" like the reference's.
        Assert.Equal("<|im_end|>", model.EosToken);
        Assert.Null(model.BosToken);
        var input = ReferenceCases.Input("Qwen-Qwen3-0.6B", caseName) with { BosToken = null, EosToken = null };
        string expected = File.ReadAllText(ReferenceCases.ExpectedPath("Qwen-Qwen3-0.6B", caseName, "txt"));
        Assert.Equal(expected, model.Render(input));
        Assert.Equal(File.ReadAllText(ReferenceCases.TemplatePath("Qwen-Qwen3-0.6B")), model.Templates["default"].Source);
    }

    [Fact]
    public void A_jinja_file_is_the_template_itself()
    {
        var model = ModelChatTemplates.Load(ReferenceCases.TemplatePath("google-gemma-2-2b-it"));
        var input = ReferenceCases.Input("google-gemma-2-2b-it", "01-single-user");
        Assert.Equal(File.ReadAllText(ReferenceCases.ExpectedPath("google-gemma-2-2b-it", "01-single-user", "txt")), model.Render(input));
        Assert.Empty(model.SpecialTokens);
    }

    [Fact]
    public void Named_templates_pick_tool_use_when_tools_are_offered_and_default_otherwise()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir, new
        {
            chat_template = new[]
            {
                new { name = "default", template = "plain:{{ messages|length }}" },
                new { name = "tool_use", template = "tools:{{ tools|length }}" },
            },
            bos_token = new { content = "<s>", lstrip = false },
            eos_token = "</s>",
            unk_token = (string?)null,
        });
        var model = ModelChatTemplates.Load(dir.Path);
        Assert.Equal("<s>", model.BosToken);
        Assert.Equal("</s>", model.EosToken);
        Assert.False(model.SpecialTokens.ContainsKey("unk_token"));
        Assert.Equal("plain:1", model.Render(Request("""{"messages": [{"role": "user", "content": "hi"}]}""")));
        Assert.Equal("tools:2", model.Render(Request("""{"messages": [], "tools": [{"type": "function"}, {"type": "function"}]}""")));
        Assert.Equal("plain:0", model.Render(Request("""{"messages": [], "tools": [{}]}"""), templateName: "default"));
    }

    [Fact]
    public void Bos_and_eos_come_from_the_config_unless_the_input_sets_them()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir, new { chat_template = "{{ bos_token }}|{{ eos_token }}|{{ pad_token }}", bos_token = "<s>", eos_token = "</s>", pad_token = "<pad>" });
        var model = ModelChatTemplates.Load(dir.File("tokenizer_config.json"));
        Assert.Equal("<s>|</s>|<pad>", model.Render(Request("""{"messages": []}""")));
        Assert.Equal("[B]|</s>|<pad>", model.Render(Request("""{"messages": []}""") with { BosToken = "[B]" }));
    }

    [Fact]
    public void Chat_template_jinja_in_a_folder_wins_over_the_config()
    {
        using var dir = new TempDirectory();
        WriteConfig(dir, new { chat_template = "from config", eos_token = "</s>" });
        File.WriteAllText(dir.File("chat_template.jinja"), "from jinja {{ eos_token }}\n");
        var model = ModelChatTemplates.Load(dir.Path);
        Assert.Equal(dir.File("chat_template.jinja"), model.Origin);
        Assert.Equal("from jinja </s>", model.Render(Request("""{"messages": []}""")));
    }

    [Fact]
    public void A_folder_without_a_template_uses_the_chatml_fallback()
    {
        var model = ModelChatTemplates.Load(SharedModels.TinyStories);
        Assert.True(model.IsFallback);
        string prompt = model.Render(Request("""
            {"messages": [{"role": "system", "content": "Sys"}, {"role": "user", "content": [{"type": "text", "text": "Hi "}, {"type": "image_url"}, {"type": "text", "text": "there"}]}]}
            """));
        Assert.Equal("<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Load_errors_name_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer_config.json"), "{ not json");
        var bad = Assert.Throws<ModelLoadException>(() => ModelChatTemplates.Load(dir.Path));
        Assert.Equal(dir.File("tokenizer_config.json"), bad.FilePath);

        File.WriteAllText(dir.File("broken.jinja"), "ok\n{% if x %}");
        var syntax = Assert.Throws<ModelLoadException>(() => ModelChatTemplates.Load(dir.File("broken.jinja")));
        Assert.Equal(dir.File("broken.jinja"), syntax.FilePath);
        Assert.StartsWith("line 2: Unexpected end of template.", syntax.Problem, StringComparison.Ordinal);

        Assert.Throws<ModelLoadException>(() => ModelChatTemplates.Load(dir.File("missing.jinja")));
    }

    private static void WriteConfig(TempDirectory dir, object config) =>
        File.WriteAllText(dir.File("tokenizer_config.json"), JsonSerializer.Serialize(config));

    private static ChatTemplateInput Request(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ChatTemplateInput.FromRequestBody(doc.RootElement);
    }
}
