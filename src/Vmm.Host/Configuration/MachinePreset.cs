using Vmm.Core;

namespace Vmm.Host.Configuration;

/// <summary>
/// The devices a machine type brings before the config and <c>--device</c> add theirs, at QEMU's addresses, as
/// Firecracker's legacy device manager places them with named constants. A configured device with the name of a
/// preset device replaces it (a <c>com1</c> in vm.json is the machine's COM1, with the config's options).
/// </summary>
public static class MachinePreset
{
    /// <summary>The default machine.</summary>
    public const string Pc = "pc";

    /// <summary>No devices but the ones configured.</summary>
    public const string None = "none";

    /// <summary>COM1 (the first 16550A of a PC), where the console goes.</summary>
    public const ushort Com1Port = 0x3f8;

    /// <summary>COM1's ISA interrupt.</summary>
    public const int Com1Irq = 4;

    /// <summary>The MC146818 RTC's index port (data at +1), as on every PC.</summary>
    public const ushort RtcPort = 0x70;

    /// <summary>The RTC's ISA interrupt.</summary>
    public const int RtcIrq = 8;

    /// <summary>The i8042's data port; its status/command port is 0x64.</summary>
    public const ushort I8042DataPort = 0x60;

    /// <summary>The i8042's status/command port, where 0xFE pulses the reset line.</summary>
    public const ushort I8042CommandPort = 0x64;

    /// <summary>QEMU's fw_cfg selector port (data at +1); its DMA address register is at 0x514.</summary>
    public const ushort FwCfgPort = 0x510;

    /// <summary>QEMU's fw_cfg DMA address register (x86: docs/specs/fw_cfg.rst).</summary>
    public const ushort FwCfgDmaPort = 0x514;

    public static IReadOnlyList<string> Names { get; } = [Pc, None];

    public static IReadOnlyList<DeviceConfig> Devices(string machine) => machine.ToLowerInvariant() switch
    {
        Pc =>
        [
            Device("uart16550", "com1", "stdout", ("port", $"0x{Com1Port:x}"), ("irq", $"{Com1Irq}")),
            Device("mc146818", "rtc", null, ("port", $"0x{RtcPort:x}"), ("irq", $"{RtcIrq}")),
            Device("fw-cfg", "fw-cfg", null, ("port", $"0x{FwCfgPort:x}"), ("dmaPort", $"0x{FwCfgDmaPort:x}")),
            Device("i8042", "i8042", null, ("dataPort", $"0x{I8042DataPort:x}"), ("commandPort", $"0x{I8042CommandPort:x}"), ("keyboardIrq", "1"), ("auxIrq", "12")),
        ],
        None => [],
        _ => throw new ConfigurationException($"machine '{machine}' is unknown; known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The preset's devices without those a configured device of the same name replaces, then the configured ones,
    /// in their order.
    /// </summary>
    public static IReadOnlyList<DeviceConfig> Compose(string machine, IEnumerable<DeviceConfig> configured)
    {
        var devices = configured.ToList();
        var names = devices.Select(device => device.Name ?? device.Type).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return Devices(machine).Where(device => !names.Contains(device.Name!)).Concat(devices).ToList();
    }

    private static DeviceConfig Device(string type, string name, string? console, params (string Key, string Value)[] options) => new()
    {
        Type = type,
        Name = name,
        Console = console,
        Source = $"machine {Pc}: {name}",
        OptionsSection = DeviceConfig.OptionsFrom(options),
    };
}
