using Vmm.Core.Hypervisor;
using Vmm.Kvm.Native;

namespace Vmm.Kvm;

/// <summary>
/// Turns a <see cref="VcpuBootState"/> into KVM special and general registers. Pure functions over the
/// structs, so the mode set-up is tested without a vCPU.
/// </summary>
internal static class VcpuBootSetup
{
    // Control register bits, Intel SDM Vol. 3A 2.5 "Control Registers" and 2.2.1 (EFER).
    public const ulong Cr0Pe = 1ul << 0;
    public const ulong Cr0Et = 1ul << 4;
    public const ulong Cr0Pg = 1ul << 31;
    public const ulong Cr4Pae = 1ul << 5;
    public const ulong EferLme = 1ul << 8;
    public const ulong EferLma = 1ul << 10;

    /// <summary>RFLAGS bit 1 is reserved and always set (Intel SDM Vol. 1 3.4.3).</summary>
    public const ulong RflagsReserved = 0x2;

    // Segment types, Intel SDM Vol. 3A 3.4.5.1 Table 3-1: execute/read accessed, read/write accessed.
    private const byte CodeExecuteReadAccessed = 0xB;
    private const byte DataReadWriteAccessed = 0x3;

    // The selectors a flat GDT conventionally uses (null, code, data): what the multiboot and Linux
    // boot protocols' loaders put there. The GDT itself is the guest's job before it reloads a segment.
    private const ushort FlatCodeSelector = 0x08;
    private const ushort FlatDataSelector = 0x10;

    private const ulong OneMiB = 0x10_0000;
    private const ulong FourGiB = 0x1_0000_0000;

    /// <summary>
    /// Sets <paramref name="sregs"/> (as read from the vCPU) for <paramref name="state"/>'s mode and
    /// returns the general registers to set with it.
    /// </summary>
    public static KvmRegs Apply(VcpuBootState state, ref KvmSregs sregs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var regs = new KvmRegs
        {
            Rsp = state.StackPointer,
            Rax = state.Rax,
            Rbx = state.Rbx,
            Rsi = state.Rsi,
            Rflags = RflagsReserved,
        };

        switch (state.Mode)
        {
            case CpuMode.Real:
                regs.Rip = SetRealMode(state.EntryPoint, ref sregs);
                break;
            case CpuMode.Protected32:
                if (state.EntryPoint >= FourGiB)
                    throw new ArgumentOutOfRangeException(nameof(state), $"32-bit entry point 0x{state.EntryPoint:x} is above 4 GiB.");
                SetFlat(ref sregs, longMode: false);
                sregs.Cr0 = (sregs.Cr0 | Cr0Pe) & ~Cr0Pg;
                sregs.Cr3 = 0;
                sregs.Cr4 = 0;
                sregs.Efer = 0;
                regs.Rip = state.EntryPoint;
                break;
            case CpuMode.Long64:
                if ((state.PageTableRoot & 0xFFF) != 0)
                    throw new ArgumentOutOfRangeException(nameof(state), $"page table root 0x{state.PageTableRoot:x} is not 4 KiB aligned.");
                SetFlat(ref sregs, longMode: true);
                // Long mode needs paging with PAE, and EFER.LMA, which the CPU sets from LME when paging
                // turns on; KVM_SET_SREGS takes both at once (Intel SDM Vol. 3A 10.8.5).
                sregs.Cr3 = state.PageTableRoot;
                sregs.Cr4 = Cr4Pae;
                sregs.Efer = EferLme | EferLma;
                sregs.Cr0 |= Cr0Pe | Cr0Pg;
                regs.Rip = state.EntryPoint;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state.Mode, "unknown CPU mode");
        }

        return regs;
    }

    /// <summary>CS = entry &gt;&gt; 4 &amp; 0xF000, data segments 0, PE and PG off; returns IP.</summary>
    private static ulong SetRealMode(ulong entryPoint, ref KvmSregs sregs)
    {
        if (entryPoint >= OneMiB)
            throw new ArgumentOutOfRangeException(nameof(entryPoint), $"real-mode entry point 0x{entryPoint:x} is not below 1 MiB.");
        ushort selector = (ushort)((entryPoint >> 4) & 0xF000);
        ulong segmentBase = (ulong)selector << 4;
        sregs.Cs = RealModeSegment(selector, CodeExecuteReadAccessed);
        KvmSegment data = RealModeSegment(0, DataReadWriteAccessed);
        sregs.Ds = data;
        sregs.Es = data;
        sregs.Fs = data;
        sregs.Gs = data;
        sregs.Ss = data;
        sregs.Cr0 &= ~(Cr0Pe | Cr0Pg);
        sregs.Cr3 = 0;
        sregs.Cr4 = 0;
        sregs.Efer = 0;
        return entryPoint - segmentBase;
    }

    private static KvmSegment RealModeSegment(ushort selector, byte type) => new()
    {
        Base = (ulong)selector << 4,
        Limit = 0xFFFF,
        Selector = selector,
        Type = type,
        Present = 1,
        S = 1,
    };

    /// <summary>Flat 4 GiB code and data segments; in long mode CS is a 64-bit code segment (L=1, D=0).</summary>
    private static void SetFlat(ref KvmSregs sregs, bool longMode)
    {
        sregs.Cs = new KvmSegment
        {
            Base = 0,
            Limit = 0xFFFF_FFFF,
            Selector = FlatCodeSelector,
            Type = CodeExecuteReadAccessed,
            Present = 1,
            S = 1,
            Db = longMode ? (byte)0 : (byte)1,
            L = longMode ? (byte)1 : (byte)0,
            G = 1,
        };
        var data = new KvmSegment
        {
            Base = 0,
            Limit = 0xFFFF_FFFF,
            Selector = FlatDataSelector,
            Type = DataReadWriteAccessed,
            Present = 1,
            S = 1,
            Db = 1,
            G = 1,
        };
        sregs.Ds = data;
        sregs.Es = data;
        sregs.Fs = data;
        sregs.Gs = data;
        sregs.Ss = data;
    }
}
