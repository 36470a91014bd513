namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>Reads back what <see cref="MachineInfo"/> told it: +0 the vCPU count, +1 RAM in MiB, +2 RAM above 4 GiB in MiB.</summary>
public sealed class MachineInfoDevice(MachineInfo machine) : IBusDevice
{
    public void Read(in BusAccess access, Span<byte> data) => data[0] = access.Offset switch
    {
        0 => (byte)machine.VcpuCount,
        1 => (byte)(machine.RamSize >> 20),
        _ => (byte)(machine.RamAbove4G >> 20),
    };

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
    }
}
