using System.Runtime.InteropServices;
using LLama.Native;

namespace InferenceServer.LlamaCppBaseline;

/// <summary>
/// Chooses which of LLamaSharp.Backend.Cpu's prebuilt llama.cpp builds is loaded and says which one was. LLamaSharp by
/// itself takes avx512 only when the CPU has AVX-512 F, BW, VBMI and VNNI, else avx2, avx or noavx, and silently falls
/// back to a lower level when a load fails; a named variant here turns the fallback off, so the run is of that build or
/// fails.
/// </summary>
internal static class LlamaCppRuntime
{
    /// <summary>Must run before anything else touches LLamaSharp's native API.</summary>
    public static void Configure(Variant variant, NativeLogConfig.LLamaLogCallback log)
    {
        var config = NativeLibraryConfig.All.WithLogCallback(log);
        if (variant == Variant.Auto) return;
        config.WithCuda(false).WithVulkan(false)
            .WithAvx(variant == Variant.Avx512 ? AvxLevel.Avx512 : AvxLevel.Avx2)
            .WithAutoFallback(false);
    }

    /// <summary>The llama.cpp and ggml shared libraries mapped into this process, read from /proc/self/maps.</summary>
    public static IReadOnlyList<string> LoadedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return [.. File.ReadLines(maps)
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is int i and >= 0 ? line[i..] : "")
            .Where(path => Path.GetFileName(path) is { } name
                && (name.StartsWith("libllama", StringComparison.Ordinal) || name.StartsWith("libggml", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The build variant (folder name: avx512, avx2, ...) of the ggml CPU backend that was loaded, or "?".</summary>
    public static string LoadedVariant() =>
        LoadedLibraries().FirstOrDefault(p => Path.GetFileName(p).StartsWith("libggml-cpu", StringComparison.Ordinal)) is { } cpu
            ? Path.GetFileName(Path.GetDirectoryName(cpu)) ?? "?"
            : "?";

    /// <summary>llama.cpp's llama_print_system_info(): the ggml features compiled into the loaded CPU backend.</summary>
    public static string SystemInfo() => Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? "";
}
