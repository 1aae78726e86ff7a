using System.Text.Json;
using InferenceServer.ChatTemplates;
using InferenceServer.ChatTemplates.Jinja;
using InferenceServer.ChatTemplates.Loading;
using InferenceServer.Server.Errors;
using InferenceServer.Tokenization;

namespace InferenceServer.Server.OpenAi.Requests;

/// <summary>Renders a chat request's messages with the model's chat template and tokenizes the prompt.</summary>
public static class ChatPrompt
{
    public static int[] Build(JsonElement body, ModelChatTemplates templates, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(tokenizer);
        string prompt;
        try
        {
            prompt = templates.Render(ChatTemplateInput.FromRequestBody(body));
        }
        catch (Exception e) when (e is ChatRequestException or TemplateException)
        {
            throw ServerException.BadRequest(e.Message, "messages");
        }
        // The template already wrote any BOS and the turn markers (specials), as vLLM encodes chat prompts.
        return tokenizer.Encode(prompt, addSpecialTokens: false);
    }
}
