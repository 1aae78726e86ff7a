using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceServer.ChatTemplates.Tests;

/// <summary>What the chat layer adds to the interpreter: request parsing, tool-call arguments, kwargs, continue_final_message.</summary>
public sealed class ChatTemplateTests
{
    [Theory]
    [InlineData("qwen2.5-instruct")]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407")]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct")]
    public void Tool_call_arguments_sent_as_a_json_string_render_like_an_object(string template)
    {
        // The round-trip case sends arguments as an object; OpenAI clients send the same arguments as a string.
        var body = JsonNode.Parse(File.ReadAllText(Path.Combine(ReferenceCases.Folder, "cases", "04-tool-call-roundtrip.json")))!;
        var function = body["messages"]![1]!["tool_calls"]![0]!["function"]!;
        function["arguments"] = function["arguments"]!.ToJsonString();
        var input = ReferenceCases.Input(template, "04-tool-call-roundtrip") with { Messages = JsonSerializer.SerializeToElement(body["messages"]) };
        var chat = new ChatTemplate(File.ReadAllText(ReferenceCases.TemplatePath(template)));
        Assert.Equal(File.ReadAllText(ReferenceCases.ExpectedPath(template, "04-tool-call-roundtrip", "txt")), chat.Render(input));
    }

    [Fact]
    public void Empty_tool_call_arguments_become_an_empty_object_and_invalid_ones_are_a_request_error()
    {
        var chat = new ChatTemplate("{{ messages[0].tool_calls[0].function.arguments|tojson }}");
        Assert.Equal("{}", chat.Render(Request("""{"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": ""}}]}]}""")));
        var e = Assert.Throws<ChatRequestException>(() =>
            chat.Render(Request("""{"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{oops"}}]}]}""")));
        Assert.StartsWith("messages[0].tool_calls[0].function.arguments is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_fields_reach_the_template_as_hugging_face_passes_them()
    {
        var chat = new ChatTemplate("{{ add_generation_prompt }}|{{ tools }}|{{ tools is defined }}|{{ documents }}|{{ bos_token is defined }}|{{ enable_thinking }}");
        Assert.Equal("True|None|True|None|False|", chat.Render(Request("""{"messages": []}""")));
        Assert.Equal("False|[{'type': 'function'}]|True|None|False|False",
            chat.Render(Request("""{"messages": [], "add_generation_prompt": false, "tools": [{"type": "function"}], "chat_template_kwargs": {"enable_thinking": false}}""")));
    }

    [Fact]
    public void Chat_template_kwargs_switch_qwen3_thinking_off()
    {
        var chat = new ChatTemplate(File.ReadAllText(ReferenceCases.TemplatePath("Qwen-Qwen3-0.6B")));
        string prompt = chat.Render(Request("""{"messages": [{"role": "user", "content": "Hi"}], "chat_template_kwargs": {"enable_thinking": false}}"""));
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", prompt);
    }

    [Fact]
    public void Continue_final_message_leaves_the_last_message_open()
    {
        var chat = new ChatTemplate(File.ReadAllText(ReferenceCases.TemplatePath("qwen2.5-instruct")));
        string prompt = chat.Render(Request("""
            {"messages": [{"role": "user", "content": "Count"}, {"role": "assistant", "content": "1, 2,"}], "add_generation_prompt": false, "continue_final_message": true}
            """));
        Assert.EndsWith("<|im_start|>assistant\n1, 2,", prompt, StringComparison.Ordinal);
        Assert.Throws<ChatRequestException>(() => chat.Render(Request("""{"messages": [{"role": "user", "content": "x"}], "continue_final_message": true}""")));
    }

    [Fact]
    public void A_request_without_messages_is_rejected()
    {
        Assert.Throws<ChatRequestException>(() => Request("""{"model": "m"}"""));
        Assert.Throws<ChatRequestException>(() => Request("""{"messages": [], "add_generation_prompt": "yes"}"""));
    }

    private static ChatTemplateInput Request(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return ChatTemplateInput.FromRequestBody(doc.RootElement);
    }
}
