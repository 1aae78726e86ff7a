using System.ClientModel;
using System.Text;
using InferenceServer.Engine.Sampling;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Models;

namespace InferenceServer.Server.Tests;

/// <summary>The official OpenAI .NET client, unmodified, against the server.</summary>
[Collection(ServerCollection.Name)]
public sealed class OpenAiClientTests(ServerFixture fixture)
{
    private const string Question = "Tell me a story about a cat.";
    private TestServer Server => fixture.Server;

    private OpenAIClientOptions ClientOptions => new() { Endpoint = new Uri(Server.BaseAddress, "v1") };

    private ChatClient Chat => new(Server.Model.Name, new ApiKeyCredential("unused"), ClientOptions);

    /// <summary>What the engine generates for the chat prompt, run directly in the test process.</summary>
    private static (string Text, string Finish, int Tokens, int PromptTokens) Expected(int maxTokens)
    {
        var prompt = Reference.ChatPrompt(Question);
        var r = Reference.Generate(prompt, new SamplingParams { Temperature = 0, MaxTokens = maxTokens });
        return (r.Text, r.Finish, r.Tokens, prompt.Length);
    }

    [Fact]
    public async Task Chat_completion_equals_the_engine_run_on_the_rendered_prompt()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 30 };
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage(Question)], options);
        var expected = Expected(30);

        Assert.Equal(expected.Text, completion.Content[0].Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(expected.Finish == "stop" ? ChatFinishReason.Stop : ChatFinishReason.Length, completion.FinishReason);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(Server.Model.Name, completion.Model);
        Assert.Equal(expected.PromptTokens, completion.Usage.InputTokenCount);
        Assert.Equal(expected.Tokens, completion.Usage.OutputTokenCount);
        Assert.Equal(expected.PromptTokens + expected.Tokens, completion.Usage.TotalTokenCount);
        Assert.NotNull(completion.Usage.InputTokenDetails);
    }

    [Fact]
    public async Task Streamed_chat_updates_add_up_to_the_non_streamed_answer_with_usage_at_the_end()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 };
        ChatCompletion whole = await Chat.CompleteChatAsync([new UserChatMessage(Question)], options);

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        ChatMessageRole? role = null;
        int updates = 0;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage(Question)], options))
        {
            updates++;
            role ??= update.Role;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        Assert.True(updates > 2);
        Assert.Equal(ChatMessageRole.Assistant, role);
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(whole.FinishReason, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task Chat_logprobs_come_per_token_with_the_asked_number_of_alternatives()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12, IncludeLogProbabilities = true, TopLogProbabilityCount = 2 };
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage(Question)], options);
        var logprobs = completion.ContentTokenLogProbabilities;
        Assert.Equal(completion.Usage.OutputTokenCount, logprobs.Count);
        Assert.All(logprobs, l =>
        {
            Assert.InRange(l.TopLogProbabilities.Count, 1, 2);
            // Greedy: the chosen token is the most likely one.
            Assert.Equal(l.TopLogProbabilities.Max(t => t.LogProbability), l.LogProbability, 4);
            Assert.Equal(Encoding.UTF8.GetBytes(l.Token), l.Utf8Bytes!.Value.ToArray());
        });
    }

    [Fact]
    public async Task Stop_sequences_and_seeds_work_through_the_client()
    {
        var free = Expected(40).Text;
        string stop = free.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 40 };
        options.StopSequences.Add(stop);
        ChatCompletion stopped = await Chat.CompleteChatAsync([new UserChatMessage(Question)], options);
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], stopped.Content.Count == 0 ? "" : stopped.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);

#pragma warning disable OPENAI001 // Seed is marked experimental in the client.
        var seeded = new ChatCompletionOptions { Temperature = 1, TopP = 0.95f, Seed = 123, MaxOutputTokenCount = 20, EndUserId = "u1" };
#pragma warning restore OPENAI001
        ChatCompletion a = await Chat.CompleteChatAsync([new UserChatMessage(Question)], seeded);
        ChatCompletion b = await Chat.CompleteChatAsync([new UserChatMessage(Question)], seeded);
        Assert.Equal(a.Content[0].Text, b.Content[0].Text);
    }

    [Fact]
    public async Task Models_list_the_served_model()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential("unused"), ClientOptions);
        OpenAIModelCollection models = await client.GetModelsAsync();
        var model = Assert.Single(models);
        Assert.Equal(Server.Model.Name, model.Id);
        Assert.Equal("inference-server", model.OwnedBy);
    }

    [Fact]
    public async Task Unknown_model_is_a_404_the_client_reports()
    {
        var chat = new ChatClient("no-such-model", new ApiKeyCredential("unused"), ClientOptions);
        var e = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(Question)]));
        Assert.Equal(404, e.Status);
        Assert.Contains("model_not_found", e.Message, StringComparison.Ordinal);
    }
}
