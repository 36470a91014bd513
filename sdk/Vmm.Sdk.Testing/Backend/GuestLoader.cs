using Vmm.Core.Hypervisor;
using Vmm.Core.Memory;

namespace Vmm.Sdk.Testing.Backend;

/// <summary>
/// Places a test guest program in RAM and says how vCPU 0 starts, for each <see cref="CpuMode"/>. For
/// <see cref="CpuMode.Long64"/> it also builds page tables identity-mapping the low 4 GiB with 2 MiB pages, at the
/// top of the first RAM region, so RAM and the usual MMIO window are reachable at their physical addresses.
/// </summary>
internal static class GuestLoader
{
    private const ulong OneMiB = 0x10_0000;
    private const ulong FourGiB = 0x1_0000_0000;

    /// <summary>Bytes of page tables a <see cref="CpuMode.Long64"/> guest needs (<see cref="IdentityPageTables.Size"/>).</summary>
    public const ulong PageTableBytes = IdentityPageTables.Size;

    public static VcpuBootState Load(GuestMemory memory, ReadOnlySpan<byte> program, CpuMode mode, ulong loadAddress)
    {
        if (program.IsEmpty)
            throw new ArgumentException("the guest program is empty", nameof(program));
        var end = loadAddress + (ulong)program.Length;
        switch (mode)
        {
            case CpuMode.Real when end > OneMiB:
                throw new ArgumentOutOfRangeException(nameof(loadAddress), $"a real-mode program must lie below 1 MiB; {program.Length} bytes at 0x{loadAddress:x} end at 0x{end:x}");
            case CpuMode.Protected32 when end > FourGiB:
                throw new ArgumentOutOfRangeException(nameof(loadAddress), $"a 32-bit program must lie below 4 GiB; {program.Length} bytes at 0x{loadAddress:x} end at 0x{end:x}");
        }
        if (!memory.TryWrite(loadAddress, program))
            throw new ArgumentOutOfRangeException(nameof(loadAddress),
                $"{program.Length} bytes at 0x{loadAddress:x} do not fit in guest RAM ({memory.Size} bytes); load the program lower or give the VM more memory (TestVmBuilder.WithMemory)");

        return mode switch
        {
            // As a boot sector: CS = entry >> 4 & 0xF000, and a stack just below the program in the same segment.
            CpuMode.Real => new VcpuBootState(mode, loadAddress) { StackPointer = loadAddress & 0xFFFF },
            CpuMode.Protected32 => new VcpuBootState(mode, loadAddress) { StackPointer = loadAddress },
            CpuMode.Long64 => new VcpuBootState(mode, loadAddress)
            {
                StackPointer = loadAddress,
                PageTableRoot = IdentityPageTables.Build(memory, loadAddress, end),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown CPU mode"),
        };
    }
}
