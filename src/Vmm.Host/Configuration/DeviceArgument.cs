using Microsoft.Extensions.Configuration;
using Vmm.Core;

namespace Vmm.Host.Configuration;

/// <summary>
/// <c>--device TYPE[,key=value...]</c>, as QEMU's <c>-device</c>: the type, then the instance's options.
/// <c>name=</c> (or QEMU's <c>id=</c>) names the instance and <c>console=</c> wires its console; every other
/// key is an option of the type. A literal comma in a value is written twice (<c>,,</c>), as in QEMU.
/// </summary>
public static class DeviceArgument
{
    public static DeviceConfig Parse(string text)
    {
        var where = $"--device '{text}'";
        var parts = QemuOptionList.Split(text);
        if (parts.Count == 0 || parts[0].Length == 0 || parts[0].Contains('='))
            throw new ConfigurationException($"{where}: the device type comes first, e.g. --device debug-exit,port=0xf4,width=4");

        var device = new DeviceConfig { Type = parts[0], Source = where };
        var options = new List<KeyValuePair<string, string?>>();
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                throw new ConfigurationException($"{where}: '{part}' is not key=value");
            var key = part[..equals];
            var value = part[(equals + 1)..];
            switch (key.ToLowerInvariant())
            {
                case "name" or "id":
                    device.Name = value;
                    break;
                case "console":
                    device.Console = value;
                    break;
                default:
                    if (options.Any(option => string.Equals(option.Key, key, StringComparison.OrdinalIgnoreCase)))
                        throw new ConfigurationException($"{where}: '{key}' is given twice");
                    options.Add(new(key, value));
                    break;
            }
        }
        device.OptionsSection = new ConfigurationBuilder().AddInMemoryCollection(options).Build();
        return device;
    }
}
