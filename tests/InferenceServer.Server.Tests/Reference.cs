using System.Text;
using System.Text.Json;
using InferenceServer.ChatTemplates;
using InferenceServer.ChatTemplates.Loading;
using InferenceServer.Devices;
using InferenceServer.Engine;
using InferenceServer.Engine.Generation;
using InferenceServer.Engine.Outputs;
using InferenceServer.Engine.Sampling;

namespace InferenceServer.Server.Tests;

/// <summary>The single-sequence generator run in the test process: what the server's answers must equal.</summary>
public static class Reference
{
    private static readonly Lazy<(OpenedModel Model, TextGenerator Generator)> Solo = new(() =>
    {
        var opened = ModelOpener.Open(TestServer.Manifest);
        return (opened, EngineFactory.CreateGenerator(opened.Model, opened.Tokenizer, new EngineOptions { Threads = 1 }));
    });

    private static readonly Lock Gate = new();

    public static OpenedModel Model => Solo.Value.Model;

    /// <summary>The prompt tokens the server renders for one user message through the model's chat template.</summary>
    public static int[] ChatPrompt(string question)
    {
        var body = JsonSerializer.SerializeToElement(new { messages = new[] { new { role = "user", content = question } } });
        var templates = ModelChatTemplates.Load(Model.Model.Path);
        return Model.Tokenizer.Encode(templates.Render(ChatTemplateInput.FromRequestBody(body)), addSpecialTokens: false);
    }

    /// <summary>Text and finish reason of generating from <paramref name="prompt"/> with <paramref name="sampling"/>.</summary>
    public static (string Text, string Finish, int Tokens) Generate(int[] prompt, SamplingParams sampling)
    {
        lock (Gate)
        {
            var text = new StringBuilder();
            string finish = "";
            int tokens = 0;
            foreach (var e in Solo.Value.Generator.Generate(prompt, sampling))
            {
                text.Append(e.TextDelta);
                tokens++;
                if (e.Finish is { } f) finish = f.ToWire();
            }
            return (text.ToString(), finish, tokens);
        }
    }
}
