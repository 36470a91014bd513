using Microsoft.Extensions.DependencyInjection;
using Vmm.Sdk;

namespace Vmm.Host.Tests;

/// <summary>
/// An in-process plugin for framework tests: "probe-port" records every write and answers reads with
/// 0x11 0x22 0x33 0x44 (truncated to the access size); "register-file" is 256 bytes of MMIO that keep
/// what is written and return it on reads.
/// </summary>
public sealed class ProbeDevicePlugin : IVmmPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddDeviceType<ProbePort, ProbeOptions>("probe-port", "records writes, answers reads with a pattern",
            (options, resources) => resources.AddPorts(options.Port, 8));
        services.AddDeviceType<RegisterFile, ProbeOptions>("register-file", "256 bytes of MMIO memory",
            (options, resources) => resources.AddMmio(options.Address, 0x100));
        services.AddDeviceType<FaultyDevice, ProbeOptions>("faulty", "throws on every access",
            (options, resources) => resources.AddPorts(options.Port, 1));
    }
}

public sealed class ProbeOptions
{
    public ushort Port { get; set; } = 0x100;

    public ulong Address { get; set; } = 0xd000_0000;
}

public sealed class ProbePort : IBusDevice
{
    private static readonly byte[] Pattern = [0x11, 0x22, 0x33, 0x44];

    public List<(ulong Offset, byte[] Data)> Writes { get; } = [];

    public void Read(in BusAccess access, Span<byte> data) => Pattern.AsSpan(0, data.Length).CopyTo(data);

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => Writes.Add((access.Offset, data.ToArray()));
}

public sealed class RegisterFile : IBusDevice
{
    public byte[] Bytes { get; } = new byte[0x100];

    public List<(ulong Offset, int Size)> Accesses { get; } = [];

    public void Read(in BusAccess access, Span<byte> data)
    {
        Accesses.Add((access.Offset, data.Length));
        Bytes.AsSpan((int)access.Offset, data.Length).CopyTo(data);
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        Accesses.Add((access.Offset, data.Length));
        data.CopyTo(Bytes.AsSpan((int)access.Offset));
    }
}

public sealed class FaultyDevice : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) => throw new InvalidOperationException("faulty device read");

    public void Write(in BusAccess access, ReadOnlySpan<byte> data) => throw new InvalidOperationException("faulty device write");
}
