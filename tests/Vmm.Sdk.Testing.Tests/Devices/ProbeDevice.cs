using Microsoft.Extensions.Options;
using Vmm.Sdk;

namespace Vmm.Sdk.Testing.Tests.Devices;

/// <summary>
/// Registers at offsets 0-5 read back what was written (byte 0 of each access); a write to offset 6 raises its line
/// (non-zero) or lowers it (zero); a write to offset 7 asks the VM to stop with that value. MMIO reads return the
/// offset in every byte. Every access is recorded.
/// </summary>
public sealed class ProbeDevice(IOptions<ProbeOptions> options, IInterruptLine irq, IVmControl vm) : IBusDevice
{
    public const ulong Registers = 8;
    public const ulong LineRegister = 6;
    public const ulong StopRegister = 7;

    private readonly byte[] _registers = new byte[Registers];

    public ProbeOptions Options { get; } = options.Value;

    public List<(BusAccess Access, bool Write, byte[] Data)> Accesses { get; } = [];

    public void Read(in BusAccess access, Span<byte> data)
    {
        Accesses.Add((access, false, data.ToArray()));
        if (access.Range == 1)
            data.Fill((byte)access.Offset);
        else if (access.Offset < Registers)
            data[0] = _registers[access.Offset];
    }

    public void Write(in BusAccess access, ReadOnlySpan<byte> data)
    {
        Accesses.Add((access, true, data.ToArray()));
        if (access.Range == 1 || access.Offset >= Registers)
            return;
        _registers[access.Offset] = data[0];
        if (access.Offset == LineRegister)
        {
            if (data[0] != 0)
                irq.Raise();
            else
                irq.Lower();
        }
        else if (access.Offset == StopRegister)
        {
            vm.RequestStop(data[0]);
        }
    }
}
