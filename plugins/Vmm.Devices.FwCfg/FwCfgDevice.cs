using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Devices.FwCfg;

/// <summary>
/// QEMU's firmware configuration device (fw_cfg) as x86 guests find it: a 16-bit selector port (0x510), an 8-bit
/// data port after it whose reads step through the selected item (0 past its end), and the DMA address register
/// (0x514). Items: the "QEMU" signature, the feature ID (DMA bit set), the CPU count and RAM size from
/// <see cref="MachineInfo"/>, and the file directory with the files of the instance's options, of other plugins
/// and of <c>vmm run --fw-cfg</c> (<see cref="FirmwareFiles"/>). Everything is read-only to the guest.
/// </summary>
/// <remarks>
/// Interface and formats: QEMU docs/specs/fw_cfg.rst ("Guest-side Hardware Interface", "Firmware Configuration
/// Items", "Guest-side DMA Interface"); selector numbers from QEMU's include/standard-headers/linux/qemu_fw_cfg.h.
/// Data-port writes are ignored, as since QEMU 2.4. vCPUs share the selection under one small lock.
/// </remarks>
public sealed partial class FwCfgDevice : IBusDevice
{
    private readonly Lock _gate = new();
    private readonly IGuestMemory _memory;
    private readonly Dictionary<ushort, ReadOnlyMemory<byte>> _items = [];
    private readonly bool _dmaEnabled;

    // The selected item (empty if the selector names none) and the data offset into it.
    private ReadOnlyMemory<byte> _selected;
    private int _offset;

    /// <summary>Creates the device of one instance.</summary>
    /// <param name="options">Its ports and its own files.</param>
    /// <param name="machine">The CPU count and RAM size items' source.</param>
    /// <param name="memory">Where DMA descriptors and buffers live.</param>
    /// <param name="firmwareFiles">Files from the host's command line and from other plugins.</param>
    /// <param name="identity">The instance, to name its option files in errors.</param>
    /// <exception cref="ArgumentException">A file cannot be read, or two files share a name (both sources named).</exception>
    public FwCfgDevice(IOptions<FwCfgOptions> options, MachineInfo machine, IGuestMemory memory, FirmwareFiles firmwareFiles, DeviceIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(firmwareFiles);
        ArgumentNullException.ThrowIfNull(identity);
        _memory = memory;
        _dmaEnabled = options.Value.DmaPort != 0;

        var files = new List<FirmwareFile>(firmwareFiles.Files);
        for (var i = 0; i < options.Value.Files.Count; i++)
            files.Add(LoadFile(options.Value.Files[i], $"{identity.Name} option files[{i}]"));
        var (directory, fileItems) = FwCfgFileTable.Build(files);

        _items[Selector.Signature] = "QEMU"u8.ToArray();
        _items[Selector.Id] = LittleEndian32(Feature.Traditional | (_dmaEnabled ? Feature.Dma : 0));
        _items[Selector.Uuid] = new byte[16];
        _items[Selector.RamSize] = LittleEndian64(machine.RamSize);
        _items[Selector.CpuCount] = LittleEndian16((ushort)machine.VcpuCount);
        _items[Selector.MaxCpus] = LittleEndian16((ushort)machine.VcpuCount);
        _items[Selector.FileDirectory] = directory;
        foreach (var (selector, file) in fileItems)
            _items[selector] = file.Contents;
        Select(Selector.Signature);
    }

    /// <inheritdoc />
    public void Read(in BusAccess access, Span<byte> data)
    {
        lock (_gate)
        {
            if (access.Range == Range.Dma)
                ReadDmaSignature(access.Offset, data);
            else if (access.Offset == Port.Data)
                ReadData(data);
            // The selector is write-only: its read stays as the bus zeroed it.
        }
    }

    /// <inheritdoc />
    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (access.Range == Range.Dma)
                WriteDmaAddress(access.Offset, data);
            else if (access.Offset == Port.Selector && data.Length == sizeof(ushort))
                Select(BinaryPrimitives.ReadUInt16LittleEndian(data));
            // The data port ignores writes (QEMU 2.4 and later); byte-wide selector writes are not decoded, as in QEMU.
        }
    }

    /// <summary>Checks one file entry of the options (a name, and exactly one of string and file).</summary>
    internal static void ValidateFileOptions(FwCfgFileOptions file, string where)
    {
        FwCfgFileTable.ValidateName(file.Name, where);
        if ((file.String is null) == (file.File is null))
            throw new ArgumentException($"{where} \"{file.Name}\": give either string or file, not {(file.String is null ? "neither" : "both")}");
    }

    private static FirmwareFile LoadFile(FwCfgFileOptions file, string where)
    {
        ValidateFileOptions(file, where);
        if (file.String is { } text)
            return new FirmwareFile(file.Name, Encoding.UTF8.GetBytes(text), where);
        try
        {
            return new FirmwareFile(file.Name, System.IO.File.ReadAllBytes(file.File!), where);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"{where} \"{file.Name}\": cannot read file \"{file.File}\": {ex.Message}", ex);
        }
    }

    /// <summary>Selects item <paramref name="key"/> at offset 0; bit 14 (write channel) does not change which item.</summary>
    private void Select(ushort key)
    {
        var entry = (ushort)(key & ~Selector.WriteChannel);
        _selected = _items.TryGetValue(entry, out var item) ? item : ReadOnlyMemory<byte>.Empty;
        _offset = 0;
    }

    /// <summary>Each byte read takes the next byte of the item; past its end, 0 (fw_cfg.rst, "Data Register").</summary>
    private void ReadData(Span<byte> data)
    {
        var available = _selected.Span[Math.Min(_offset, _selected.Length)..];
        var count = Math.Min(available.Length, data.Length);
        available[..count].CopyTo(data);
        data[count..].Clear();
        _offset += count;
    }

    private static byte[] LittleEndian16(ushort value)
    {
        var bytes = new byte[sizeof(ushort)];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] LittleEndian32(uint value)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] LittleEndian64(ulong value)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>The device's two ranges, in the order the plugin declares them.</summary>
    private static class Range
    {
        public const int Ports = 0;
        public const int Dma = 1;
    }

    /// <summary>Offsets in the selector/data range.</summary>
    private static class Port
    {
        public const ulong Selector = 0;
        public const ulong Data = 1;
    }

    /// <summary>Selector keys (qemu_fw_cfg.h).</summary>
    private static class Selector
    {
        public const ushort Signature = 0x0000;      // FW_CFG_SIGNATURE
        public const ushort Id = 0x0001;             // FW_CFG_ID
        public const ushort Uuid = 0x0002;           // FW_CFG_UUID
        public const ushort RamSize = 0x0003;        // FW_CFG_RAM_SIZE, 64-bit little-endian
        public const ushort CpuCount = 0x0005;       // FW_CFG_NB_CPUS, 16-bit little-endian
        public const ushort MaxCpus = 0x000f;        // FW_CFG_MAX_CPUS
        public const ushort FileDirectory = 0x0019;  // FW_CFG_FILE_DIR
        public const ushort WriteChannel = 0x4000;   // bit 14: "write" selectors, ignored since QEMU 2.4
    }

    /// <summary>FW_CFG_ID bits (fw_cfg.rst, "Revision / feature bitmap").</summary>
    private static class Feature
    {
        public const uint Traditional = 0x1;
        public const uint Dma = 0x2;
    }
}
