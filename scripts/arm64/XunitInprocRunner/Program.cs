// In-process xunit v2 runner: discovers the tests of one assembly with xunit.execution and runs them in this process.
// Usage: XunitInprocRunner [--assembly NAME] [--filter SUBSTRING]... [--list] [--serial]
//   --filter keeps test cases whose display name (Namespace.Class.Method(args)) contains any of the substrings.
// Prints one line per test with its time, then "N passed, N failed, N skipped"; exit code 1 on any failure or no test.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

var assemblyName = "InferenceServer.Backends.Tests";
var filters = new List<string>();
var listOnly = false;
var serial = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--assembly": assemblyName = args[++i]; break;
        case "--filter": filters.Add(args[++i]); break;
        case "--list": listOnly = true; break;
        case "--serial": serial = true; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var assembly = Assembly.Load(new AssemblyName(assemblyName));
var assemblyInfo = Reflector.Wrap(assembly);
using var framework = new XunitTestFramework(new NullMessageSink());

var discoveryOptions = new Options();
discoveryOptions.SetValue("xunit.discovery.PreEnumerateTheories", true);
using var discoverer = framework.GetDiscoverer(assemblyInfo);
var found = new Sink();
discoverer.Find(includeSourceInformation: false, found, discoveryOptions);
found.Done.WaitOne();
var testCases = found.TestCases
    .Where(t => filters.Count == 0 || filters.Any(f => t.DisplayName.Contains(f, StringComparison.Ordinal)))
    .ToList();
Console.WriteLine($"{assemblyName}: {testCases.Count} of {found.TestCases.Count} test cases selected ({RuntimeArch()})");
if (listOnly)
{
    foreach (var t in testCases) Console.WriteLine(t.DisplayName);
    return 0;
}

var executionOptions = new Options();
executionOptions.SetValue("xunit.execution.DisableParallelization", serial);
using var executor = framework.GetExecutor(assembly.GetName());
var results = new Sink();
var clock = Stopwatch.StartNew();
executor.RunTests(testCases, results, executionOptions);
results.Done.WaitOne();
Console.WriteLine($"wall time {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
Console.WriteLine($"{results.Passed} passed, {results.Failed} failed, {results.Skipped} skipped");
return results.Failed == 0 && results.Passed > 0 ? 0 : 1;

static string RuntimeArch() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, AdvSimd={System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}" +
    $" Dp={System.Runtime.Intrinsics.Arm.Dp.IsSupported} Rdm={System.Runtime.Intrinsics.Arm.Rdm.IsSupported}" +
    $" Avx2={System.Runtime.Intrinsics.X86.Avx2.IsSupported} Avx512F={System.Runtime.Intrinsics.X86.Avx512F.IsSupported}" +
    $" Vector<float>.Count={System.Numerics.Vector<float>.Count}";

/// <summary>Collects discovered test cases, prints results, and signals when discovery or the run is complete.</summary>
internal sealed class Sink : Xunit.LongLivedMarshalByRefObject, IMessageSink
{
    public List<ITestCase> TestCases { get; } = [];
    public ManualResetEvent Done { get; } = new(false);
    public int Passed, Failed, Skipped;

    public bool OnMessage(IMessageSinkMessage message)
    {
        switch (message)
        {
            case ITestCaseDiscoveryMessage d: TestCases.Add(d.TestCase); break;
            case IDiscoveryCompleteMessage: Done.Set(); break;
            case ITestPassed p: Passed++; Report("PASS", p); break;
            case ITestSkipped s: Skipped++; Console.WriteLine($"  SKIP {s.Test.DisplayName}: {s.Reason}"); break;
            case ITestFailed f:
                Failed++;
                Report("FAIL", f);
                for (var i = 0; i < f.Messages.Length; i++)
                    Console.WriteLine($"       {f.ExceptionTypes[i]}: {f.Messages[i]}\n{f.StackTraces[i]}");
                if (f.Output.Length > 0) Console.WriteLine($"       output: {f.Output}");
                break;
            case IErrorMessage e:
                Failed++;
                Console.WriteLine($"  ERROR {string.Join("; ", e.ExceptionTypes)}: {string.Join("; ", e.Messages)}\n{string.Join("\n", e.StackTraces)}");
                break;
            case ITestAssemblyFinished: Done.Set(); break;
        }
        return true;
    }

    private static void Report(string verdict, ITestResultMessage r) =>
        Console.WriteLine($"  {verdict} {(r.ExecutionTime * 1000m).ToString("F0", CultureInfo.InvariantCulture),7} ms  {r.Test.DisplayName}");
}

/// <summary>Discovery/execution options: a plain dictionary (the runner utility's TestFrameworkOptions is not available here).</summary>
internal sealed class Options : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
{
    private readonly Dictionary<string, object?> _values = [];
    public TValue GetValue<TValue>(string name) => _values.TryGetValue(name, out var v) && v is TValue t ? t : default!;
    public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
}
