using InferenceServer.Core.Tensors;
using InferenceServer.Server.Configuration;
using InferenceServer.Server.Lora;
using InferenceServer.TestSupport;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.Server.Tests.Lora;

/// <summary>LoRA settings: --lora-modules entries in both of vLLM's forms, and the settings that need --enable-lora.</summary>
public sealed class LoraSettingsTests
{
    [Theory]
    [InlineData("sql=/adapters/sql", "sql", "/adapters/sql")]
    [InlineData(" sql = /adapters/a=b ", "sql", "/adapters/a=b")]
    [InlineData("""{"name": "sql", "path": "/adapters/sql", "base_model_name": "m"}""", "sql", "/adapters/sql")]
    public void Module_entries_parse_as_name_and_path(string entry, string name, string path) =>
        Assert.Equal(new LoraModuleSpec(name, path), LoraModuleSpec.Parse(entry));

    [Theory]
    [InlineData("sql", "name=path")]
    [InlineData("=/x", "name=path")]
    [InlineData("sql=", "name=path")]
    [InlineData("""{"name": "sql"}""", "needs a name and a path")]
    [InlineData("{not json", "not valid JSON")]
    public void Malformed_module_entries_are_errors_quoting_them(string entry, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => LoraModuleSpec.Parse(entry));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lora_lists_bind_from_a_settings_file_and_need_enable_lora()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("settings.json"), """
            { "Server": { "EnableLora": true, "MaxLoras": 2, "MaxCpuLoras": 3, "LoraModules": [ "a=/x/a" ], "LoraDirs": [ "/x" ] } }
            """);
        var builder = new ConfigurationBuilder();
        ServerConfiguration.AddSources(builder, temp.File("settings.json"), new Dictionary<string, string?>());
        var options = ServerConfiguration.Bind(builder.Build());
        Assert.True(options.Engine.EnableLora);
        Assert.Equal((2, 3), (options.Engine.MaxLoras, options.Engine.MaxCpuLoras));
        Assert.Equal(["a=/x/a"], options.LoraModules);
        Assert.Equal(["/x"], options.LoraDirs);

        var off = new ServerOptions();
        off.LoraDirs.Add("/x");
        var e = Assert.Throws<ArgumentException>(() => ServerConfiguration.Validate(off));
        Assert.Contains("--enable-lora", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("float32", TensorDType.F32)]
    [InlineData("BFloat16", TensorDType.BF16)]
    public void Lora_dtype_is_auto_float32_or_bfloat16(string value, TensorDType? expected)
    {
        Assert.Equal(expected, BindLoraDType(value).Engine.LoraDType);
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("q8_0")]
    [InlineData("fp8")]
    public void Other_lora_dtypes_are_refused_at_start(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => BindLoraDType(value));
        // A dtype that exists but cannot hold adapters is refused by name; one that does not exist, as a bad LoraDType value.
        Assert.Matches("lora-dtype must be auto, float32 or bfloat16|LoraDType: unknown dtype '" + value + "'", e.Message);
    }

    private static ServerOptions BindLoraDType(string value) => ServerConfiguration.Bind(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Server:Model"] = "m", ["Server:LoraDType"] = value }).Build());
}
