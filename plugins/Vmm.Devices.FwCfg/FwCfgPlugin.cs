using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Devices.FwCfg;

/// <summary>The fw_cfg plugin's entry point: offers the <c>fw-cfg</c> device type.</summary>
public sealed class FwCfgPlugin : IVmmPlugin
{
    /// <summary>The device type name VM configs use.</summary>
    public const string DeviceTypeName = "fw-cfg";

    // The selector (16-bit) and the data port after it; the DMA address register's two 32-bit halves.
    private const ulong PortCount = 2, DmaPortCount = 8;

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) =>
        services.AddDeviceType<FwCfgDevice, FwCfgOptions>(
            DeviceTypeName,
            "QEMU fw_cfg: signature, ID, CPU count, RAM size and named files (config, plugins, --fw-cfg), with DMA",
            static (options, resources) =>
            {
                for (var i = 0; i < options.Files.Count; i++)
                    FwCfgDevice.ValidateFileOptions(options.Files[i], $"files[{i}]");
                resources.AddPorts(options.Port, PortCount);
                return options.DmaPort == 0 ? resources : resources.AddPorts(options.DmaPort, DmaPortCount);
            });
}
