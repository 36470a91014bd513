namespace Vmm.Core;

/// <summary>A VM description that cannot be built: bad option, overlapping ranges, unknown device type.</summary>
public sealed class ConfigurationException : VmmException
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception inner) : base(message, inner) { }
}
