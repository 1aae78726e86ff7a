using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.Server.Grpc.V1;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>Hot load and unload of adapters over HTTP and gRPC: behind the API key, confined to --lora-dirs, vLLM's bodies.</summary>
public sealed class LoraAdminTests : IAsyncLifetime
{
    private const string Key = "admin-key";
    private readonly LoraFiles _files = new();
    private TestServer? _server;
    private HttpClient? _admin;

    private TestServer Server => _server!;
    private HttpClient Admin => _admin!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o =>
        {
            o.Engine = o.Engine with { EnableLora = true, MaxLoraRank = 8 };
            o.LoraDirs.Add(_files.Root);
            o.ApiKeys.Add(Key);
        });
        _admin = _server.ClientWithKey(Key);
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        _files.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string ErrorMessage(string body) => JsonNode.Parse(body)!["error"]!["message"].Str();

    [Fact]
    public async Task Load_use_and_unload_an_adapter_with_vllm_bodies_and_answers()
    {
        string folder = _files.Write("sql");
        var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "sql", lora_path = folder });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Success: LoRA adapter 'sql' added successfully.", text);
        Assert.Contains("\"sql\"", await Admin.GetStringAsync("/v1/models"), StringComparison.Ordinal);
        var (used, _) = await Json.PostAsync(Admin, "/v1/completions", new { model = "sql", prompt = "Once", max_tokens = 4 });
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);

        (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "sql", lora_path = folder });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("has already been loaded", ErrorMessage(text), StringComparison.Ordinal);

        // load_inplace swaps the files behind the name: a bad replacement leaves the old adapter, a good one answers differently.
        var (before, beforeBody) = await Json.PostAsync(Admin, "/v1/completions", new { model = "sql", prompt = "Once", max_tokens = 12, temperature = 0, ignore_eos = true });
        Directory.CreateDirectory(Path.Combine(_files.Root, "hollow"));
        (status, _) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "sql", lora_path = Path.Combine(_files.Root, "hollow"), load_inplace = true });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Path.Combine(_files.Root, "sql"), await Admin.GetStringAsync("/v1/models"), StringComparison.Ordinal);
        (status, _) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "sql", lora_path = _files.Write("sql-v2"), load_inplace = true });
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, afterBody) = await Json.PostAsync(Admin, "/v1/completions", new { model = "sql", prompt = "Once", max_tokens = 12, temperature = 0, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.NotEqual(beforeBody["choices"]![0]!["text"].Str(), afterBody["choices"]![0]!["text"].Str());

        (status, text) = await PostAsync(Admin, "/v1/unload_lora_adapter", new { lora_name = "sql" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Success: LoRA adapter 'sql' removed successfully.", text);
        (status, _) = await PostAsync(Admin, "/v1/unload_lora_adapter", new { lora_name = "sql" });
        Assert.Equal(HttpStatusCode.NotFound, status);
        var (gone, _) = await Json.PostAsync(Admin, "/v1/completions", new { model = "sql", prompt = "Once", max_tokens = 4 });
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Loading_and_unloading_need_the_api_key()
    {
        string folder = _files.Write("keyed");
        var (status, _) = await PostAsync(Server.Http, "/v1/load_lora_adapter", new { lora_name = "keyed", lora_path = folder });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        (status, _) = await PostAsync(Server.Http, "/v1/unload_lora_adapter", new { lora_name = "keyed" });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("\"keyed\"", await Admin.GetStringAsync("/v1/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paths_outside_the_adapter_directories_are_refused_traversal_and_links_included()
    {
        var writer = new LoraFiles();
        string elsewhere = writer.Write("elsewhere");
        string link = Path.Combine(_files.Root, "link");
        Directory.CreateSymbolicLink(link, elsewhere);
        foreach (var path in new[] { elsewhere, Path.Combine(_files.Root, "..", Path.GetFileName(Path.GetDirectoryName(elsewhere)!), "elsewhere"), link })
        {
            var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "escape", lora_path = path });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("outside the allowed adapter directories", ErrorMessage(text), StringComparison.Ordinal);
        }
        writer.Dispose();
        Assert.DoesNotContain("\"escape\"", await Admin.GetStringAsync("/v1/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_link_outside_the_adapter_directories_are_refused_without_quoting_the_target()
    {
        // A folder inside --lora-dirs whose files are links to files outside: a system file (whose first bytes an
        // error once quoted as a "header length") and a valid adapter's files elsewhere (which once loaded).
        using var outside = new LoraFiles();
        string valid = outside.Write("valid-elsewhere");
        string secret = Path.Combine(outside.Root, "secret.txt");
        File.WriteAllText(secret, "root:x:0:0:secret-marker:/root:/bin/bash\n");
        string folder = Path.Combine(_files.Root, "linked");
        Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "adapter_config.json"), Path.Combine(valid, "adapter_config.json"));
        File.CreateSymbolicLink(Path.Combine(folder, "adapter_model.safetensors"), Path.Combine(valid, "adapter_model.safetensors"));
        string spy = Path.Combine(_files.Root, "spy");
        Directory.CreateDirectory(spy);
        File.Copy(Path.Combine(valid, "adapter_config.json"), Path.Combine(spy, "adapter_config.json"));
        File.CreateSymbolicLink(Path.Combine(spy, "adapter_model.safetensors"), secret);

        foreach (var (name, path) in new[] { ("linked", folder), ("spy", spy) })
        {
            var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = name, lora_path = path });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            string message = ErrorMessage(text);
            Assert.Contains("outside the allowed adapter directories", message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-marker", message, StringComparison.Ordinal);
            Assert.DoesNotContain("bytes", message, StringComparison.Ordinal);
            Assert.DoesNotContain(outside.Root, message, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("\"linked\"", await Admin.GetStringAsync("/v1/models"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_files_inside_the_directories_get_errors_that_do_not_quote_their_bytes()
    {
        string folder = _files.Write("corrupt");
        File.WriteAllText(Path.Combine(folder, "adapter_model.safetensors"), "root:x:0:0:secret-marker");
        var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "corrupt", lora_path = folder });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid safetensors header", ErrorMessage(text), StringComparison.Ordinal);
        // Neither the first 8 bytes read as the header length, nor the file's size.
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian("root:x:0"u8);
        Assert.DoesNotContain(headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ErrorMessage(text), StringComparison.Ordinal);
        Assert.DoesNotContain(" 25 bytes", ErrorMessage(text), StringComparison.Ordinal);

        string config = _files.Write("bad-json");
        File.WriteAllText(Path.Combine(config, "adapter_config.json"), "{\"r\": secret-marker}");
        (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "bad-json", lora_path = config });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid JSON (line 1, byte", ErrorMessage(text), StringComparison.Ordinal);
        Assert.DoesNotContain("'s'", ErrorMessage(text), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("-flag")]
    [InlineData("sp ace")]
    [InlineData("tab\tname")]
    [InlineData("")]
    public async Task Adapter_names_outside_the_safe_character_set_are_400s(string name)
    {
        var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = name, lora_path = _files.Write("safe-" + name.Length) });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", JsonNode.Parse(text)!["error"]!["type"].Str());
    }

    [Fact]
    public async Task A_nul_byte_in_the_path_is_a_400()
    {
        var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "nul", lora_path = _files.Write("nul") + "\0/x" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("control characters", ErrorMessage(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_adapters_are_400_naming_the_adapter_and_the_problem()
    {
        string tooBig = _files.Write("big", rank: 16);
        var (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "big", lora_path = tooBig });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("LoRA adapter 'big'", ErrorMessage(text), StringComparison.Ordinal);
        Assert.Contains("rank 16 exceeds the maximum LoRA rank 8", ErrorMessage(text), StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(_files.Root, "empty"));
        (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "empty", lora_path = Path.Combine(_files.Root, "empty") });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("LoRA adapter 'empty'", ErrorMessage(text), StringComparison.Ordinal);
        Assert.Contains("adapter_config.json", ErrorMessage(text), StringComparison.Ordinal);

        foreach (var name in new[] { "a:b", Server.Model.Name })
        {
            (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = name, lora_path = _files.Write("named") });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains($"LoRA adapter name '{name}'", ErrorMessage(text), StringComparison.Ordinal);
        }

        (status, text) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "nameless" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'lora_path'", ErrorMessage(text), StringComparison.Ordinal);
        // A failed load leaves no trace: the name is free for a good adapter.
        (status, _) = await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "big", lora_path = _files.Write("small") });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Unloading_an_adapter_mid_stream_ends_its_request_with_abort_while_a_base_request_finishes()
    {
        string folder = _files.Write("busy");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Admin, "/v1/load_lora_adapter", new { lora_name = "busy", lora_path = folder })).Status);

        // The stream is not read on, so its request is still in the engine (paused) when its adapter goes.
        // Eight choices of ~1 KB chunks: megabytes that socket buffers cannot absorb, and more KV than the pool holds.
        await using var stalled = await StalledStream.OpenAsync(Server.BaseAddress, Key, "busy", choices: 8);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Server.Model.Engine.Stats.RunningPerAdapter.ContainsKey("busy") && DateTime.UtcNow < deadline) await Task.Delay(5);
        var base_ = Json.PostAsync(Admin, "/v1/completions", new { prompt = "Once", max_tokens = 40, ignore_eos = true });
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Admin, "/v1/unload_lora_adapter", new { lora_name = "busy" })).Status);

        var events = await stalled.ReadToEndAsync();
        Assert.Equal("[DONE]", events[^1]);
        var finishes = events.SkipLast(1).Select(e => JsonNode.Parse(e)!["choices"]!.AsArray())
            .Where(c => c.Count > 0 && c[0]!["finish_reason"] is not null).Select(c => c[0]!["finish_reason"].Str()).ToList();
        // Every choice ends; those still generating when the adapter went (all, unless the machine stalled) with abort.
        Assert.Equal(8, finishes.Count);
        Assert.Contains("abort", finishes);
        Assert.All(finishes, f => Assert.Contains(f, new[] { "abort", "length" }));
        var (baseResponse, baseBody) = await base_;
        Assert.Equal(HttpStatusCode.OK, baseResponse.StatusCode);
        Assert.Equal("length", baseBody["choices"]![0]!["finish_reason"].Str());
    }

    [Fact]
    public async Task Grpc_loads_and_unloads_with_the_key_and_maps_errors_to_status_codes()
    {
        var client = new Inference.InferenceClient(Server.Grpc);
        var auth = new Metadata { { "authorization", "Bearer " + Key } };
        string folder = _files.Write("rpc");
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await client.LoadLoraAdapterAsync(new LoadLoraAdapterRequest { LoraName = "rpc", LoraPath = folder }));
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);

        var loaded = await client.LoadLoraAdapterAsync(new LoadLoraAdapterRequest { LoraName = "rpc", LoraPath = folder }, auth);
        Assert.Equal("Success: LoRA adapter 'rpc' added successfully.", loaded.Message);
        using (var call = client.Generate(new GenerateRequest { Text = "Once", Adapter = "rpc", Sampling = new SamplingParameters { MaxTokens = 3 } }, auth))
            await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
        var outside = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.LoadLoraAdapterAsync(new LoadLoraAdapterRequest { LoraName = "x", LoraPath = "/etc" }, auth));
        Assert.Equal(StatusCode.InvalidArgument, outside.StatusCode);

        await client.UnloadLoraAdapterAsync(new UnloadLoraAdapterRequest { LoraName = "rpc" }, auth);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.UnloadLoraAdapterAsync(new UnloadLoraAdapterRequest { LoraName = "rpc" }, auth));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }
}
