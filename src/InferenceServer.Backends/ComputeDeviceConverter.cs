using System.ComponentModel;
using System.Globalization;

namespace InferenceServer.Backends;

/// <summary>Reads a <see cref="ComputeDevice"/> from settings as the flag spells it, so configuration binds <c>--device</c> directly.</summary>
public sealed class ComputeDeviceConverter : EnumConverter
{
    public ComputeDeviceConverter() : base(typeof(ComputeDevice))
    {
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? ComputeDeviceNames.Parse(text) : base.ConvertFrom(context, culture, value);
}
