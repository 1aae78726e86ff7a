using System.Collections;
using System.Reflection;
using Xunit.Sdk;

namespace InferenceServer.Cuda.Tests.Support;

/// <summary>
/// Theory rows from a static method of the test class, each prefixed with a device name; the rows are skipped, with
/// the reason, when that device is not available here (no GPU, or the emulation library was not built).
/// </summary>
[DataDiscoverer("Xunit.Sdk.DataDiscoverer", "xunit.core")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class KernelCasesAttribute : DataAttribute
{
    public KernelCasesAttribute(string device, string methodName)
    {
        Device = device;
        MethodName = methodName;
        Skip = KernelDevices.SkipReason(device);
    }

    public string Device { get; }

    public string MethodName { get; }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        var source = testMethod.DeclaringType!.GetMethod(MethodName, BindingFlags.Public | BindingFlags.Static)
            ?? throw new ArgumentException($"{testMethod.DeclaringType.Name}.{MethodName} is not a public static method");
        foreach (var row in (IEnumerable)source.Invoke(null, null)!)
            yield return [Device, .. (object[])row];
    }
}
