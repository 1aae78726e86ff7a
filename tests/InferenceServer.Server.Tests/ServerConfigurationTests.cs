using InferenceServer.Backends;
using InferenceServer.Core.Tensors;
using InferenceServer.Engine;
using InferenceServer.Server.Configuration;
using InferenceServer.TestSupport;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.Server.Tests;

public sealed class ServerConfigurationTests
{
    [Fact]
    public void Flags_win_over_the_environment_which_wins_over_the_settings_file()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("settings.json"), """
            { "Server": { "Port": 9000, "GrpcPort": 9001, "MaxChoices": 3, "MaxWaiting": 5, "ApiKeys": [ "from-file" ] } }
            """);
        Environment.SetEnvironmentVariable(ServerConfiguration.EnvironmentPrefix + "Server__MaxChoices", "7");
        Environment.SetEnvironmentVariable(ServerConfiguration.EnvironmentPrefix + "Server__MaxWaiting", "9");
        try
        {
            var builder = new ConfigurationBuilder();
            ServerConfiguration.AddSources(builder, temp.File("settings.json"), new Dictionary<string, string?> { ["Server:MaxWaiting"] = "11" });
            var options = ServerConfiguration.Bind(builder.Build());
            Assert.Equal(9000, options.Port);
            Assert.Equal(7, options.MaxChoices);
            Assert.Equal(11, options.MaxWaiting);
            Assert.Equal(["from-file"], options.ApiKeys);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServerConfiguration.EnvironmentPrefix + "Server__MaxChoices", null);
            Environment.SetEnvironmentVariable(ServerConfiguration.EnvironmentPrefix + "Server__MaxWaiting", null);
        }
    }

    [Theory]
    [InlineData("Port", "70000", "port")]
    [InlineData("MaxWaiting", "-1", "max-waiting")]
    [InlineData("GrpcPort", "-2", "grpc-port")]
    public void Out_of_range_settings_are_errors_naming_them(string key, string value, string name)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Server:" + key] = value }).Build();
        var e = Assert.Throws<ArgumentException>(() => ServerConfiguration.Bind(configuration));
        Assert.StartsWith(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_settings_bind_from_the_same_section_under_the_flag_spellings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:MaxNumSeqs"] = "3",
            ["Server:MaxModelLen"] = "128",
            ["Server:DType"] = "q8_0",
            ["Server:KvCacheDType"] = "bfloat16",
            ["Server:LoraDType"] = "auto",
            ["Server:Device"] = "cuda-emulation",
            ["Server:KvCacheMemoryBytes"] = "1048576",
            ["Server:EnablePrefixCaching"] = "false",
        }).Build();
        var engine = ServerConfiguration.Bind(configuration).Engine;
        Assert.Equal(new EngineOptions
        {
            Device = ComputeDevice.CudaEmulation,
            MaxNumSeqs = 3,
            MaxModelLen = 128,
            DType = TensorDType.Q8_0,
            KvCacheDType = TensorDType.BF16,
            KvCacheMemoryBytes = 1 << 20,
            EnablePrefixCaching = false,
        }, engine);
        // Unset, serve computes where it can: CUDA when a GPU can be used, else the CPU.
        Assert.Equal(ComputeDevice.Auto, ServerConfiguration.Bind(new ConfigurationBuilder().Build()).Engine.Device);
    }

    [Theory]
    [InlineData("Device", "tpu", "Server:Device: unknown device 'tpu': use cpu, cuda, auto or cuda-emulation")]
    [InlineData("DType", "fp7", "Server:DType: unknown dtype 'fp7'")]
    [InlineData("MaxNumSeqs", "many", "Server:MaxNumSeqs: ")]
    [InlineData("MaxNumSeqs", "0", "max-num-seqs must be in")]
    public void Bad_engine_settings_are_errors_naming_them(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Server:" + key] = value }).Build();
        var e = Assert.Throws<ArgumentException>(() => ServerConfiguration.Bind(configuration));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_settings_file_is_an_error()
    {
        Assert.Throws<FileNotFoundException>(() => ServerConfiguration.AddSources(new ConfigurationBuilder(), "/no/such/settings.json", new Dictionary<string, string?>()));
    }
}
