using System.CommandLine;
using System.Text;
using System.Text.Json;
using InferenceServer.ChatTemplates;
using InferenceServer.ChatTemplates.Loading;

namespace InferenceServer.Cli.Commands;

/// <summary>`chat-template`: prints the prompt a model's chat template makes of an OpenAI chat request, exactly, for debugging templates.</summary>
internal static class ChatTemplateCommand
{
    public static Command Create()
    {
        var template = new Option<string>("--template") { Description = "A .jinja file, a tokenizer_config.json, or a model folder", Required = true };
        var request = new Option<string>("--request") { Description = "OpenAI chat-completions request body (.json)", Required = true };
        var bos = new Option<string?>("--bos-token") { Description = "bos_token for the template (default: the model's, from tokenizer_config.json)" };
        var eos = new Option<string?>("--eos-token") { Description = "eos_token for the template (default: the model's, from tokenizer_config.json)" };

        var command = new Command("chat-template", "Render a chat template for a chat request body and print the prompt exactly (no newline added)")
        {
            template, request, bos, eos,
        };
        command.SetAction(r => CommandErrors.Run(() =>
            Run(r.GetValue(template)!, r.GetValue(request)!, r.GetValue(bos), r.GetValue(eos))));
        return command;
    }

    private static int Run(string templatePath, string requestPath, string? bos, string? eos)
    {
        var templates = ModelChatTemplates.Load(templatePath);
        var input = ReadRequest(requestPath) with { BosToken = bos, EosToken = eos };
        string prompt = templates.Render(input);
        // Raw UTF-8 bytes: the prompt must come out exactly, whatever the console encoding.
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(new UTF8Encoding(false).GetBytes(prompt));
        stdout.Flush();
        return 0;
    }

    private static ChatTemplateInput ReadRequest(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return ChatTemplateInput.FromRequestBody(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new ChatRequestException($"{path}: not valid JSON: {e.Message}", e);
        }
    }
}
