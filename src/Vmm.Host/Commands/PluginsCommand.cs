using Vmm.Core;

namespace Vmm.Host.Commands;

/// <summary>
/// <c>vmm plugins</c>: each plugin found (name, version, the SDK it was built against, folder), its device types,
/// what an instance claims with the default options, and the options with their types, defaults and descriptions.
/// </summary>
/// <example>
/// <code>
/// Vmm.Devices.Serial 0.1.0 (SDK 0.1.0) /opt/vmm/plugins/Vmm.Devices.Serial
///   uart16550: 16550A UART: FIFOs, interrupts, loopback, console output and input on 8 I/O ports
///     claims (with defaults): port 0x3f8-0x3ff, irq 4
///     options:
///       port: ushort = 0x3f8 — First of the 8 I/O ports the UART decodes (COM1 0x3f8, COM2 0x2f8).
/// </code>
/// </example>
public static class PluginsCommand
{
    public static int Execute(PluginSearch search, TextWriter output, TextWriter error)
    {
        try
        {
            var catalog = PluginDirectories.LoadCatalog(search);
            if (catalog.Plugins.Count == 0)
            {
                error.WriteLine($"vmm: no plugins found; name a plugin folder with --plugins or {PluginDirectories.PathVariable}");
                return ExitCodes.Success;
            }

            var describer = new OptionDescriber();
            foreach (var plugin in catalog.Plugins)
            {
                // The informational version carries the commit after a +; the release number is what a person compares.
                output.WriteLine($"{plugin.Name} {plugin.Version.Split('+')[0]} (SDK {plugin.SdkVersion.ToString(3)}) {plugin.Folder ?? "(in process)"}");
                foreach (var type in plugin.DeviceTypes)
                {
                    output.WriteLine($"  {type.Name}: {type.Description}");
                    if (OptionDescriber.DescribeResources(type) is { } resources)
                        output.WriteLine($"    claims (with defaults): {resources}");
                    var options = describer.DescribeOptions(type);
                    if (options.Count == 0)
                        continue;
                    output.WriteLine("    options:");
                    foreach (var option in options)
                        output.WriteLine($"      {option}");
                }
            }
            return ExitCodes.Success;
        }
        catch (VmmException ex)
        {
            error.WriteLine($"vmm: {ex.Message}");
            return ExitCodes.Error;
        }
    }
}
