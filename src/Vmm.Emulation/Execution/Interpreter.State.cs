using Vmm.Core.Hypervisor;

namespace Vmm.Emulation.Execution;

/// <summary>The registers as the <c>IVcpu</c> API sees them, and the state dump for error messages.</summary>
internal sealed unsafe partial class Interpreter
{
    public VcpuRegisters GetRegisters() => new()
    {
        Rax = Reg(Gpr.Rax),
        Rbx = Reg(Gpr.Rbx),
        Rcx = Reg(Gpr.Rcx),
        Rdx = Reg(Gpr.Rdx),
        Rsi = Reg(Gpr.Rsi),
        Rdi = Reg(Gpr.Rdi),
        Rsp = Reg(Gpr.Rsp),
        Rbp = Reg(Gpr.Rbp),
        R8 = Reg(8),
        R9 = Reg(9),
        R10 = Reg(10),
        R11 = Reg(11),
        R12 = Reg(12),
        R13 = Reg(13),
        R14 = Reg(14),
        R15 = Reg(15),
        Rip = _rip,
        Rflags = Flags,
    };

    /// <summary>Replaces the general registers, RIP and RFLAGS; bit 1 of RFLAGS is forced on, as KVM_SET_REGS does.</summary>
    public void SetRegisters(in VcpuRegisters r)
    {
        Reg(Gpr.Rax) = r.Rax;
        Reg(Gpr.Rbx) = r.Rbx;
        Reg(Gpr.Rcx) = r.Rcx;
        Reg(Gpr.Rdx) = r.Rdx;
        Reg(Gpr.Rsi) = r.Rsi;
        Reg(Gpr.Rdi) = r.Rdi;
        Reg(Gpr.Rsp) = r.Rsp;
        Reg(Gpr.Rbp) = r.Rbp;
        Reg(8) = r.R8;
        Reg(9) = r.R9;
        Reg(10) = r.R10;
        Reg(11) = r.R11;
        Reg(12) = r.R12;
        Reg(13) = r.R13;
        Reg(14) = r.R14;
        Reg(15) = r.R15;
        _rip = r.Rip;
        SetFlags(r.Rflags | Rflags.Reserved1);
    }

    /// <summary>The segment, descriptor-table and control registers, for tests and diagnostics.</summary>
    internal SegmentRegister GetSegment(int segment) => Segment(segment);

    internal ulong Cr0 => _cr0;

    internal ulong Cr2 => _cr2;

    internal ulong Cr3 => _cr3;

    internal ulong Cr4 => _cr4;

    internal ulong Efer => _efer;

    internal int CodeBitness => _codeBitness;

    internal (ulong Base, ushort Limit) Gdtr => (_gdtBase, _gdtLimit);

    internal (ulong Base, ushort Limit) Idtr => (_idtBase, _idtLimit);

    public string DescribeState()
    {
        var text = new System.Text.StringBuilder();
        text.Append("vCPU ").Append(_id).AppendLine(" state (emulated):");
        VcpuRegisters r = GetRegisters();
        text.AppendLine($"  rax={r.Rax:x16} rbx={r.Rbx:x16} rcx={r.Rcx:x16} rdx={r.Rdx:x16}");
        text.AppendLine($"  rsi={r.Rsi:x16} rdi={r.Rdi:x16} rsp={r.Rsp:x16} rbp={r.Rbp:x16}");
        text.AppendLine($"  r8 ={r.R8:x16} r9 ={r.R9:x16} r10={r.R10:x16} r11={r.R11:x16}");
        text.AppendLine($"  r12={r.R12:x16} r13={r.R13:x16} r14={r.R14:x16} r15={r.R15:x16}");
        text.AppendLine($"  rip={r.Rip:x16} rflags={r.Rflags:x8}");
        text.AppendLine($"  cs  {Segment(SegmentIndex.Cs)}");
        text.AppendLine($"  ds  {Segment(SegmentIndex.Ds)}");
        text.AppendLine($"  es  {Segment(SegmentIndex.Es)}");
        text.AppendLine($"  fs  {Segment(SegmentIndex.Fs)}");
        text.AppendLine($"  gs  {Segment(SegmentIndex.Gs)}");
        text.AppendLine($"  ss  {Segment(SegmentIndex.Ss)}");
        text.AppendLine($"  tr  {_tr}");
        text.AppendLine($"  ldt {_ldtr}");
        text.AppendLine($"  gdt base={_gdtBase:x16} limit={_gdtLimit:x4}  idt base={_idtBase:x16} limit={_idtLimit:x4}");
        text.AppendLine($"  cr0={_cr0:x16} cr2={_cr2:x16} cr3={_cr3:x16} cr4={_cr4:x16} efer={_efer:x16}");
        text.Append($"  instructions retired: {InstructionsRetired}");
        return text.ToString();
    }
}
