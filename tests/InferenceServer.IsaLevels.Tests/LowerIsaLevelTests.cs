using System.Diagnostics;
using InferenceServer.Backends.Cpu.Simd;
using InferenceServer.TestSupport;
using Xunit.Abstractions;

namespace InferenceServer.IsaLevels.Tests;

/// <summary>
/// Runs the backend, engine and CUDA-emulation suites again in child processes with the higher ISA levels
/// switched off (<see cref="IsaLevel"/>), so every x86 path is tested end to end on whatever CPU CI gets. Each
/// child asserts it runs the expected path (CpuPathSelectionTests reads INFERENCE_SERVER_EXPECT_CPU_PATH).
/// </summary>
public sealed class LowerIsaLevelTests(ITestOutputHelper output)
{
    private static readonly string[] Suites = ["InferenceServer.Backends.Tests", "InferenceServer.Engine.Tests", "InferenceServer.Cuda.Tests"];

    public static IEnumerable<object[]> Runs()
    {
        var levels = IsaLevel.BelowThisMachine.ToList();
        if (levels.Count == 0) yield return ["none", ""];
        foreach (var level in levels)
            foreach (var suite in Suites) yield return [level.Name, suite];
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task The_suite_passes_with_the_higher_levels_switched_off(string levelName, string suite)
    {
        if (levelName == "none")
        {
            output.WriteLine($"no lower x86 level to switch to from {CpuIsaSupport.Best} ({CpuIsaSupport.Describe(CpuIsaSupport.Best)})");
            return;
        }
        var level = IsaLevel.All.Single(l => l.Name == levelName);
        string dll = SuiteAssembly(suite);
        var start = new ProcessStartInfo("dotnet");
        foreach (var arg in new[] { "test", dll, "--logger", "console;verbosity=normal" }) start.ArgumentList.Add(arg);
        foreach (var (name, value) in level.Environment) start.Environment[name] = value;
        start.Environment["INFERENCE_SERVER_EXPECT_CPU_PATH"] = level.Path.ToString().ToLowerInvariant();
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(start);
        string all = stdout + stderr;
        string summary = string.Join('\n', all.Split('\n').Where(l => l.Contains("Passed!", StringComparison.Ordinal) || l.Contains("Failed", StringComparison.Ordinal)).Take(40));
        output.WriteLine($"{suite} with {string.Join(' ', level.Environment.Select(e => $"{e.Key}={e.Value}"))}:\n{summary}");
        Assert.True(exitCode == 0, $"{suite} failed on the {level.Name} level (exit {exitCode}):\n{Tail(all, 6000)}");
        if (suite == "InferenceServer.Backends.Tests")
            Assert.Contains("Passed InferenceServer.Backends.Tests.CpuPathSelectionTests.The_default_path_is_the_fastest_one_the_runtime_reports", stdout, StringComparison.Ordinal);
    }

    /// <summary>The suite's built assembly, in the configuration this project was built in.</summary>
    private static string SuiteAssembly(string suite)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory); // tests/<this>/bin/<Configuration>/<tfm>/
        string tfm = here.Name, configuration = here.Parent!.Name;
        string dll = Path.Combine(SharedModels.RepositoryRoot, "tests", suite, "bin", configuration, tfm, suite + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return dll;
    }

    private static string Tail(string text, int chars) => text.Length <= chars ? text : text[^chars..];
}
