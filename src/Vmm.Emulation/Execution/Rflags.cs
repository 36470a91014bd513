namespace Vmm.Emulation.Execution;

/// <summary>RFLAGS bits (Intel SDM Vol. 1 3.4.3).</summary>
internal static class Rflags
{
    public const ulong Cf = 1ul << 0;
    public const ulong Reserved1 = 1ul << 1;
    public const ulong Pf = 1ul << 2;
    public const ulong Af = 1ul << 4;
    public const ulong Zf = 1ul << 6;
    public const ulong Sf = 1ul << 7;
    public const ulong Tf = 1ul << 8;
    public const ulong If = 1ul << 9;
    public const ulong Df = 1ul << 10;
    public const ulong Of = 1ul << 11;
    public const ulong Iopl = 3ul << 12;
    public const ulong Nt = 1ul << 14;
    public const ulong Rf = 1ul << 16;
    public const ulong Vm = 1ul << 17;
    public const ulong Ac = 1ul << 18;
    public const ulong Vif = 1ul << 19;
    public const ulong Vip = 1ul << 20;
    public const ulong Id = 1ul << 21;

    /// <summary>The six status flags arithmetic computes.</summary>
    public const ulong Arithmetic = Cf | Pf | Af | Zf | Sf | Of;

    /// <summary>What POPF/IRET may change at CPL 0 outside virtual-8086 mode (VM, RF, VIP, VIF stay).</summary>
    public const ulong PopfWritable = Arithmetic | Tf | If | Df | Iopl | Nt | Ac | Id;

    /// <summary>Bits a guest can ever see set: everything else reads 0 (and bit 1 reads 1).</summary>
    public const ulong Defined = PopfWritable | Rf | Vm | Vif | Vip | Reserved1;
}
