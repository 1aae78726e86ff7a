using InferenceServer.Server.Hosting;
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
    public void A_missing_settings_file_is_an_error()
    {
        Assert.Throws<FileNotFoundException>(() => ServerConfiguration.AddSources(new ConfigurationBuilder(), "/no/such/settings.json", new Dictionary<string, string?>()));
    }
}
