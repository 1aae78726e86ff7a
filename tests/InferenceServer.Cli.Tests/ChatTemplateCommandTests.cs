using InferenceServer.TestSupport;

namespace InferenceServer.Cli.Tests;

public sealed class ChatTemplateCommandTests
{
    private static string Fixture(params string[] parts) => Path.Combine([SharedModels.ChatTemplates, .. parts]);

    [Fact]
    public void Prints_exactly_the_reference_prompt_with_nothing_added()
    {
        var (code, stdout, stderr) = CliRunner.Run("chat-template",
            "--template", Fixture("google-gemma-2-2b-it.jinja"),
            "--request", Fixture("cases", "05-unicode-no-gen-prompt.json"),
            "--bos-token", "<bos>", "--eos-token", "<eos>");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Equal(File.ReadAllText(Fixture("expected", "google-gemma-2-2b-it__05-unicode-no-gen-prompt.txt")), stdout);
    }

    [Fact]
    public void A_model_folder_supplies_its_template_and_special_tokens()
    {
        var (code, stdout, _) = CliRunner.Run("chat-template",
            "--template", Path.Combine(SharedModels.Tokenizers, "qwen3"),
            "--request", Fixture("cases", "04-tool-call-roundtrip.json"));
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllText(Fixture("expected", "Qwen-Qwen3-0.6B__04-tool-call-roundtrip.txt")), stdout);
    }

    [Fact]
    public void A_template_that_raises_exits_1_with_its_own_message()
    {
        var (code, stdout, stderr) = CliRunner.Run("chat-template",
            "--template", Fixture("google-gemma-2-2b-it.jinja"),
            "--request", Fixture("cases", "02-multi-turn-system.json"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        string expected = File.ReadAllText(Fixture("expected", "google-gemma-2-2b-it__02-multi-turn-system.error"))["ERROR: ".Length..].TrimEnd('\n');
        Assert.Equal($"error: {expected}", stderr.TrimEnd('\n'));
    }

    [Fact]
    public void A_template_with_a_syntax_error_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.jinja"), "{% for m in messages %}\n{{ m.content }}\n");
        var (code, _, stderr) = CliRunner.Run("chat-template", "--template", dir.File("bad.jinja"), "--request", Fixture("cases", "01-single-user.json"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {dir.File("bad.jinja")}: line 2: Unexpected end of template.", stderr, StringComparison.Ordinal);
    }
}
