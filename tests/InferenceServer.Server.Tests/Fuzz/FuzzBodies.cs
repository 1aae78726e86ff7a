using System.Text;
using System.Text.Json.Nodes;

namespace InferenceServer.Server.Tests.Fuzz;

/// <summary>
/// Seeded request bodies for the OpenAI routes: a valid body with some fields replaced by boundary numbers, wrong
/// types, huge or odd strings, or the whole text corrupted (cut short, bytes flipped, invalid UTF-8). The same seed
/// gives the same bodies, so a failure names a case that can be replayed.
/// </summary>
public sealed class FuzzBodies(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Fields =
    [
        "model", "max_tokens", "n", "temperature", "top_p", "top_k", "min_p", "presence_penalty", "frequency_penalty",
        "repetition_penalty", "seed", "stop", "stop_token_ids", "logprobs", "stream", "stream_options", "ignore_eos",
        "logit_bias", "best_of", "user", "cache_salt", "echo",
    ];

    private static readonly string[] ChatFields =
    [
        "messages", "max_completion_tokens", "top_logprobs", "tools", "tool_choice", "response_format",
        "add_generation_prompt", "continue_final_message", "chat_template_kwargs",
    ];

    /// <summary>A route and the body bytes to post to it.</summary>
    public (string Path, byte[] Body) Next()
    {
        int route = _random.Next(10);
        string path = route < 4 ? "/v1/completions" : route < 8 ? "/v1/chat/completions" : route == 8 ? "/tokenize" : "/detokenize";
        var body = Base(path);
        int mutations = 1 + _random.Next(4);
        string[] fields = path == "/v1/chat/completions" ? [.. Fields, .. ChatFields] : path == "/v1/completions" ? [.. Fields, "prompt"] : ["prompt", "tokens", "model", "add_special_tokens"];
        for (int i = 0; i < mutations; i++) body[fields[_random.Next(fields.Length)]] = Value();
        byte[] bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        return (path, _random.Next(8) == 0 ? Corrupt(bytes) : bytes);
    }

    private JsonObject Base(string path) => path switch
    {
        "/v1/completions" => new JsonObject { ["prompt"] = "Once upon a time", ["max_tokens"] = 4 },
        "/v1/chat/completions" => new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }), ["max_tokens"] = 4 },
        "/tokenize" => new JsonObject { ["prompt"] = "Once upon a time" },
        _ => new JsonObject { ["tokens"] = new JsonArray(1, 2, 3) },
    };

    /// <summary>A value of any shape: boundary numbers, wrong types, odd strings, nested structures.</summary>
    private JsonNode? Value(int depth = 0) => _random.Next(16) switch
    {
        0 => JsonValue.Create(Pick([0, -1, 1, int.MaxValue, int.MinValue, 2, 20, 21, 100, -100, 101])),
        1 => JsonValue.Create(Pick([long.MaxValue, long.MinValue, (long)int.MaxValue + 1, 4_294_967_296L])),
        2 => JsonValue.Create(Pick([0.0, -0.5, 0.5, 1.0, 2.0, -2.0, 1e308, -1e308, 1e-320, 3.5])),
        3 => JsonValue.Create(Pick([true, false])),
        4 => null,
        5 => JsonValue.Create(Pick(["", " ", "Once", "\0", "\u0001\u001f", "../../etc/passwd", "a:b", "<|im_start|>", "</s>", "\uFFFD", "😀"])),
        6 => JsonValue.Create(new string((char)('a' + _random.Next(26)), Pick([1000, 20_000, 70_000]))),
        7 => new JsonArray(),
        8 => depth < 3 ? new JsonArray(Value(depth + 1), Value(depth + 1)) : JsonValue.Create(1),
        9 => depth < 3 ? new JsonObject { ["type"] = Value(depth + 1), ["role"] = Value(depth + 1), ["content"] = Value(depth + 1) } : JsonValue.Create("x"),
        10 => new JsonArray(JsonValue.Create(-1), JsonValue.Create(int.MaxValue), JsonValue.Create(0)),
        11 => new JsonObject { ["5"] = 100, ["abc"] = 1, ["-1"] = -100 },
        12 => new JsonArray(new JsonObject { ["role"] = Pick(["user", "assistant", "system", "tool", "wizard"]), ["content"] = Value(depth + 1) }),
        13 => new JsonObject { ["type"] = Pick(["text", "json_object", "json_schema", "yaml"]) },
        14 => new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = Value(depth + 1) } }),
        _ => JsonValue.Create(_random.Next(-10, 600)),
    };

    /// <summary>The JSON text damaged: cut short, a byte replaced, or an invalid UTF-8 sequence spliced in.</summary>
    private byte[] Corrupt(byte[] bytes)
    {
        var copy = bytes.ToList();
        switch (_random.Next(3))
        {
            case 0:
                return [.. copy.Take(_random.Next(copy.Count))];
            case 1:
                copy[_random.Next(copy.Count)] = (byte)_random.Next(256);
                return [.. copy];
            default:
                copy.InsertRange(_random.Next(copy.Count), Pick<byte[]>([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]));
                return [.. copy];
        }
    }

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
