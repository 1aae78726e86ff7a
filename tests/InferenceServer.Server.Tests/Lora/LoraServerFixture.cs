namespace InferenceServer.Server.Tests.Lora;

/// <summary>A LoRA-enabled server with the adapters "story" and "poem" preloaded, shared by one test class.</summary>
public sealed class LoraServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public LoraFiles Files { get; } = new();

    public TestServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o =>
    {
        o.Engine = o.Engine with { EnableLora = true, MaxLoras = 2 };
        o.LoraModules.Add(Files.Module("story"));
        o.LoraModules.Add(Files.Module("poem"));
        o.LoraDirs.Add(Files.Root);
    });

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Files.Dispose();
    }
}
