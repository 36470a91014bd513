using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Core.Machine;
using Vmm.Core.Memory;

namespace Vmm.Core.Tests.Machine.Probe;

/// <summary>An Iced-assembled program as a boot image: loaded at its address, entered at its first byte; counts its loads.</summary>
public sealed class AssembledImage : IBootImage
{
    private readonly byte[] _code;
    private readonly ulong _address;
    private readonly CpuMode _mode;
    private int _loads;

    public AssembledImage(Assembler program, ulong address, CpuMode mode, params (ulong Address, Assembler Code)[] more)
    {
        _code = Assemble(program, address);
        _address = address;
        _mode = mode;
        Extra = more.Select(m => (m.Address, Assemble(m.Code, m.Address))).ToArray();
    }

    /// <summary>More code placed at other addresses (an AP's trampoline), loaded with the image.</summary>
    public (ulong Address, byte[] Code)[] Extra { get; }

    public int Loads => Volatile.Read(ref _loads);

    public string Description => $"test program at 0x{_address:x}";

    public VcpuBootState Load(GuestMemory memory)
    {
        Interlocked.Increment(ref _loads);
        if (!memory.TryWrite(_address, _code))
            throw new VmmException($"{Description}: outside RAM");
        foreach (var (address, code) in Extra)
        {
            if (!memory.TryWrite(address, code))
                throw new VmmException($"{Description}: code at 0x{address:x} outside RAM");
        }
        return new VcpuBootState(_mode, _address) { StackPointer = 0x7000 };
    }

    private static byte[] Assemble(Assembler program, ulong address)
    {
        using var stream = new MemoryStream();
        program.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }
}
